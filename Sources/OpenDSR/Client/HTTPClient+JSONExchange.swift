import AsyncHTTPClient
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
            let response = try await execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let buffer = try await response.body.collect(upTo: maxBytes)
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
}
