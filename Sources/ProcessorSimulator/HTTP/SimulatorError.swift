import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenDSR

/// An mParticle-style error answer: the unwrapped `{"code","message","errors"}` body (docs/upstream-apis.md,
/// "Errors").
struct SimulatorError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    let reason: String
    let domain: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, reason: String, domain: String = "Validation") {
        self.status = status
        self.message = message
        self.reason = reason
        self.domain = domain
    }

    /// 400 for a broken body rule.
    static func invalid(_ message: String) -> SimulatorError {
        SimulatorError(.badRequest, message, reason: "InvalidOperationException")
    }

    /// 404 for an unknown request id or missing results.
    static func notFound(_ message: String = "The specified subject request id could not be found") -> SimulatorError {
        SimulatorError(.notFound, message, reason: "NotFound", domain: "Request")
    }

    /// 401 with a Basic challenge.
    static var unauthorized: SimulatorError {
        var error = SimulatorError(
            .unauthorized, "Invalid credentials", reason: "Unauthorized", domain: "Authentication")
        error.headers[.wwwAuthenticate] = "Basic realm=\"opendsr\""
        return error
    }

    /// 429 with `Retry-After` and `X-mp-rate-limit-exceeded: workspace`.
    static func rateLimited(retryAfter: Int) -> SimulatorError {
        var error = SimulatorError(.tooManyRequests, "Too many requests", reason: "RateLimited", domain: "Throttling")
        error.headers[.retryAfter] = String(retryAfter)
        error.headers[HTTPField.Name(OpenDSRHeaders.rateLimitExceeded)!] = "workspace"
        return error
    }

    /// 503 from the fault injector.
    static var unavailable: SimulatorError {
        SimulatorError(.serviceUnavailable, "Service unavailable", reason: "ServiceUnavailable", domain: "Server")
    }

    /// The answer, independent of the request.
    func makeResponse() -> Response {
        let body = ProcessorErrorBody(code: Int(status.code), message: message, reason: reason, domain: domain)
        // Encoding three strings and an integer cannot fail.
        var response = WireResponder.json((try? OrderedJSONObject.encode(body)) ?? [], status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }
}
