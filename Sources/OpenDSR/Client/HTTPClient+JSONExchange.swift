import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The answer to one JSON call to an mParticle API, or why there was none.
enum JSONExchange {
    case answered(status: Int, headers: HTTPHeaders, body: ByteBuffer)
    /// A timeout, a connection failure or an oversized answer (the error's type, never its text).
    case failed(reason: String)
}

extension HTTPClient {
    /// Sends a JSON request with Basic credentials, reads at most `maxBytes` of the answer and logs its status and
    /// duration at debug under `api` (e.g. `processor`, `events`). Shared by the DSR and Events API clients.
    /// `timeout` bounds the whole exchange, the body included: a server that drips its answer cannot hold a caller.
    func jsonExchange(
        _ method: HTTPMethod, url: String, authorization: String, body: Data?, timeout: TimeInterval, maxBytes: Int,
        api: String, logger: Logger
    ) async -> JSONExchange {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let started = ContinuousClock.now
        do {
            let (response, buffer) = try await exchange(request, timeout: timeout, maxBytes: maxBytes)
            logger.debug(
                "\(api) call",
                metadata: [
                    "\(api).method": "\(method.rawValue)", "\(api).status": "\(response.status.code)",
                    "duration_ms": "\((ContinuousClock.now - started).milliseconds)",
                ])
            return .answered(status: Int(response.status.code), headers: response.headers, body: buffer)
        } catch {
            return .failed(reason: "\(type(of: error))")
        }
    }

    /// Sends `request` and collects at most `maxBytes` of its answer, all within `timeout` seconds. AsyncHTTPClient's
    /// own deadline ends with the response head, so the body is bounded here.
    package func exchange(
        _ request: HTTPClientRequest, timeout: TimeInterval, maxBytes: Int
    ) async throws -> (HTTPClientResponse, ByteBuffer) {
        let limit = Duration.milliseconds(Int64(timeout * 1000))
        return try await withTimeLimit(limit) {
            let response = try await self.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            return (response, try await response.body.collect(upTo: maxBytes))
        }
    }
}
