import Foundation
import HTTPTypes
import Hummingbird

/// An error answered to the client as `{"error": {"code": "...", "message": "..."}}`.
/// The message is for a person; the code is for programs. Neither holds secrets or subject data.
package struct APIError: HTTPResponseError, Equatable {
    package var status: HTTPResponse.Status
    package var code: String
    package var message: String

    package init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder().encode(Envelope(error: .init(code: code, message: message)))
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private struct Envelope: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    package static let unauthorized = APIError(
        .unauthorized, code: "unauthorized", message: "A valid API key is required (Authorization: Bearer <key>).")

    package static func invalidField(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_field", message: "\(field): \(message)")
    }

    package static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found.")
    }
}
