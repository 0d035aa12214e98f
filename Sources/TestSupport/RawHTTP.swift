import DSRCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Bytes sent over a TCP connection exactly as given, for what an HTTP client library will not send: malformed
/// chunks, bodies cut off mid-way, partial headers.
package enum RawHTTP {
    /// Sends `bytes` to `127.0.0.1:port`, then closes the sending side when `halfClose` is set (an upload cut off
    /// mid-body), and returns whatever the server answers until it has sent one whole response (headers and a
    /// `Content-Length` body), closes the connection, or `timeout` passes (then what came so far).
    package static func exchange(
        port: Int, _ bytes: String, halfClose: Bool = false, timeout: Duration = .seconds(10)
    ) async throws -> String {
        try await connect(port: port).executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: bytes))
            if halfClose { outbound.finish() }
            let received = Received()
            _ = try? await withTimeLimit(timeout) {
                for try await chunk in inbound {
                    if received.append(String(buffer: chunk)) { break }
                }
            }
            return received.text
        }
    }

    /// Whether the server closes the connection within `timeout` after answering `bytes`.
    package static func closesAfterAnswering(port: Int, _ bytes: String, timeout: Duration = .seconds(3)) async throws
        -> Bool
    {
        try await connect(port: port).executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: bytes))
            let closed = try? await withTimeLimit(timeout) {
                for try await _ in inbound {}
                return true
            }
            return closed ?? false
        }
    }

    /// A connection to `127.0.0.1:port` whose sending side can be closed on its own.
    private static func connect(port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
    }

    /// What came back so far, and whether it is one whole response.
    private final class Received: Sendable {
        private let received = Mutex("")

        var text: String { received.withLock { $0 } }

        func append(_ chunk: String) -> Bool {
            received.withLock { text in
                text += chunk
                guard let end = text.range(of: "\r\n\r\n") else { return false }
                let length =
                    text[..<end.lowerBound].split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                return text[end.upperBound...].utf8.count >= length
            }
        }
    }
}
