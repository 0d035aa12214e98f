import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A tiny loopback Hummingbird server standing in for the gateway's callback endpoint; it records every
/// delivery with its raw bytes and can refuse the next N deliveries with 500.
final class CallbackReceiver: Sendable {
    /// One received callback.
    struct Delivery: Sendable {
        let path: String
        let headers: HTTPFields
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
    }

    private let received = Mutex<[Delivery]>([])
    private let arrivals = AsyncStream.makeStream(of: Delivery.self)
    private let refusals = Mutex(0)

    var deliveries: [Delivery] { received.withLock { $0 } }

    /// Every delivery as it arrives, for tests driven by the simulator's own real-time loop.
    var stream: AsyncStream<Delivery> { arrivals.stream }

    /// Answers the next `count` deliveries with 500 (they are not recorded).
    func refuseNext(_ count: Int) {
        refusals.withLock { $0 = count }
    }

    /// Runs the receiver while `body` runs; `body` gets its base URL.
    func run<T: Sendable>(_ body: (URL) async throws -> T) async throws -> T {
        let router = Router()
        router.post("callbacks/**") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let refuse = self.refusals.withLock { count -> Bool in
                guard count > 0 else { return false }
                count -= 1
                return true
            }
            if refuse { return Response(status: .internalServerError) }
            let delivery = Delivery(
                path: request.uri.path, headers: request.headers, body: Array(bytes.readableBytesView))
            self.received.withLock { $0.append(delivery) }
            self.arrivals.continuation.yield(delivery)
            return Response(status: .accepted)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: SimulatorHarness.quietLogger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result = try await body(URL(string: "http://127.0.0.1:\(port)")!)
            group.cancelAll()
            return result
        }
    }
}
