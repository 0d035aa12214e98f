import Foundation
import HTTPTypes
import Hummingbird

/// An error answered to the client as `{"error": {"code": "...", "message": "..."}}`.
/// The message is for a person; the code is for programs. Neither holds secrets or subject data.
package struct APIError: HTTPResponseError, Equatable {
    package var status: HTTPResponse.Status
    package var code: String
    package var message: String
    /// Seconds after which trying again makes sense (`Retry-After`), for answers that say "not now".
    package var retryAfter: Int?
    /// The methods the route does answer (`Allow`), with a 405.
    package var allow: String?

    package init(_ status: HTTPResponse.Status, code: String, message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder().encode(Envelope(error: .init(code: code, message: message)))
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let allow { headers[.allow] = allow }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private struct Envelope: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    /// An inbound rate limit: 429 with the seconds until a request would be let through.
    package static func rateLimited(retryAfter seconds: Double) -> APIError {
        APIError(
            .tooManyRequests, code: "rate_limited", message: "Too many requests; try again after Retry-After seconds.",
            retryAfter: max(1, Int(seconds.rounded(.up))))
    }

    package static let unauthorized = APIError(
        .unauthorized, code: "unauthorized", message: "A valid API key is required (Authorization: Bearer <key>).")

    /// The database cannot be reached or did not answer in time. A write it was given may still commit (whole):
    /// sending the same request again with the same `id` or `Idempotency-Key` never makes a second one.
    package static let storeUnavailable = APIError(
        .serviceUnavailable, code: "store_unavailable",
        message: "The database did not answer; the request may not have been stored. Send it again with the same id "
            + "or Idempotency-Key shortly.", retryAfter: 5)

    package static func invalidField(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_field", message: "\(field): \(message)")
    }

    package static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found.")
    }
}
