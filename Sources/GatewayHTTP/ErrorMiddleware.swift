import Foundation
import Hummingbird
import Logging
import NIOCore
import Persistence

/// Turns every error into an ``APIError`` answer. Unexpected errors are logged once at `error` with the request id
/// (Hummingbird itself only logs them at debug) and answered as a generic 500.
package struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The router's routes: a path served with other methods is answered 405 with `Allow`, not 404.
    let routes: RouteTable?

    package init(routes: RouteTable? = nil) {
        self.routes = routes
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            if error.status == .notFound, let allowed = routes?.methods(at: request.uri.path), !allowed.isEmpty {
                var refusal = APIError(
                    .methodNotAllowed, code: "method_not_allowed",
                    message: "This route answers \(allowed.joined(separator: ", ")) only.")
                refusal.allow = allowed.joined(separator: ", ")
                throw refusal
            }
            throw Self.apiError(for: error)
        } catch let error as DecodingError {
            throw Self.apiError(for: error)
        } catch let error as StoreError where error.code == .unavailable {
            context.logger.warning("store unavailable")
            throw APIError.storeUnavailable
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "The request body is too large.")
        } catch {
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            throw APIError(.internalServerError, code: "internal_error", message: "Internal error; see the server log.")
        }
    }

    private static func apiError(for error: HTTPError) -> APIError {
        switch error.status {
        case .contentTooLarge:
            APIError(.contentTooLarge, code: "payload_too_large", message: "The request body is too large.")
        case .notFound:
            APIError(.notFound, code: "not_found", message: "No such route.")
        case .methodNotAllowed:
            APIError(.methodNotAllowed, code: "method_not_allowed", message: "Method not allowed on this route.")
        case .badRequest:
            APIError(.badRequest, code: "invalid_request", message: error.body ?? "The request is malformed.")
        default:
            APIError(error.status, code: "http_\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
        }
    }

    /// A decoding error described by the field's path only: values (which may be personal data) are never echoed.
    static func apiError(for error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, appending key: (any CodingKey)? = nil) -> String {
            let joined = (context.codingPath + [key].compactMap { $0 }).map(\.stringValue).joined(separator: ".")
            return joined.isEmpty ? "body" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            return APIError(
                .badRequest, code: "missing_field", message: "\(path(context, appending: key)): is required.")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return APIError.invalidField(path(context), "has the wrong type.")
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return APIError.invalidField(path(context), "is invalid.")
        default:
            return APIError(.badRequest, code: "invalid_json", message: "The body is not valid JSON.")
        }
    }
}
