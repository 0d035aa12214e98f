import HTTPTypes
import Hummingbird
import NIOCore

/// The answers of a processor that misbehaves on the wire (`SimulatorFaults.hostile`), taken in turn so a test sees
/// each: 429s with `Retry-After` values no parser should trust, and 2xx answers whose body is truncated, wrongly
/// shaped, another content type or dripped a byte at a time, or whose usage header is garbage. A body fault applies
/// after the request was processed, so a submission answered with garbage was still accepted, as when a real
/// answer is lost on the way back.
package enum HostileAnswer: Equatable, CaseIterable, Sendable {
    case retryAfterInfinite, retryAfterNaN, retryAfterHuge, retryAfterNegative, retryAfterFraction, retryAfterText
    /// A well-formed but day-long wait: the gateway must not hold every call for it.
    case retryAfterDay
    case truncatedJSON, wrongShape, wrongContentType, slowDrip, garbledUsage

    /// The `Retry-After` a 429 of this kind carries, or nil for the kinds that answer the request.
    var retryAfter: String? {
        switch self {
        case .retryAfterInfinite: "inf"
        case .retryAfterNaN: "nan"
        case .retryAfterHuge: "1e30"
        case .retryAfterNegative: "-5"
        case .retryAfterFraction: "1.5"
        case .retryAfterText: "soon"
        case .retryAfterDay: "86400"
        default: nil
        }
    }

    /// The 429 of a `Retry-After` kind.
    func rateLimited(retryAfter: String) -> Response {
        Response(
            status: .tooManyRequests, headers: [.retryAfter: retryAfter, .contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"code":429,"message":"Too many requests"}"#)))
    }

    /// Spoils `response` (already produced for the request) the way this kind says; non-2xx answers pass unchanged.
    func spoil(_ response: Response, dripInterval: Duration) async throws -> Response {
        guard (200..<300).contains(response.status.code) else { return response }
        var spoilt = response
        switch self {
        case .truncatedJSON:
            let body = try await Self.collect(response.body)
            spoilt.body = .init(byteBuffer: body.getSlice(at: 0, length: body.readableBytes / 2) ?? body)
        case .wrongShape:
            spoilt.body = .init(byteBuffer: ByteBuffer(string: #"{"request_status":7,"subject_request_id":[]}"#))
        case .wrongContentType:
            spoilt.headers[.contentType] = "text/html"
            spoilt.body = .init(
                byteBuffer: ByteBuffer(string: "<html><body>Service temporarily unavailable</body></html>"))
        case .slowDrip:
            let body = try await Self.collect(response.body)
            spoilt.body = ResponseBody(contentLength: body.readableBytes) { writer in
                for byte in body.readableBytesView {
                    try await Task.sleep(for: dripInterval)
                    try await writer.write(ByteBuffer(bytes: [byte]))
                }
                try await writer.finish(nil)
            }
        case .garbledUsage, .retryAfterInfinite, .retryAfterNaN, .retryAfterHuge, .retryAfterNegative,
            .retryAfterFraction, .retryAfterText, .retryAfterDay:
            break
        }
        return spoilt
    }

    /// The usage header this kind sends instead of the real figure, if any.
    var usageHeader: String? { self == .garbledUsage ? "1e99" : nil }

    private static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collected = CollectedBody()
        try await body.write(CollectingWriter(into: collected))
        return collected.buffer
    }
}

/// What a ``CollectingWriter`` kept (a reference: the writer itself is consumed by the body).
private final class CollectedBody {
    var buffer = ByteBuffer()
}

/// Keeps what a response body writes, to spoil it.
private struct CollectingWriter: ResponseBodyWriter {
    let into: CollectedBody
    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        into.buffer.writeBuffer(&buffer)
    }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
