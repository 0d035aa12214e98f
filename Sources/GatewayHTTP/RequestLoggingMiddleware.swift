import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id — the caller's `X-Request-Id` when it is a sane token, else a new UUID — puts it in the
/// request's logger as `request_id`, returns it in `X-Request-Id`, and writes one access line per request: `method`,
/// `route` (the template), `status`, `duration_ms` and `duration` (the same milliseconds, for the operations guide's
/// `{ $.duration > 5000 }` filter). 5xx answers are logged at `error`. Outermost middleware.
package struct RequestLoggingMiddleware: RouterMiddleware {
    package typealias Context = GatewayRequestContext

    static let header = HTTPField.Name("X-Request-Id")!

    package init() {}

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let id = request.headers[Self.header].flatMap(Self.accepted) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: "request_id"] = .string(id)
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[Self.header] = id
        let milliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
        let status = Int(response.status.code)
        context.logger.log(
            level: status >= 500 ? .error : .info, "request",
            metadata: [
                "method": .string(request.method.rawValue), "route": .string(context.endpointPath ?? "unmatched"),
                "status": .stringConvertible(status), "duration_ms": .stringConvertible(milliseconds),
                "duration": .stringConvertible(milliseconds),
            ])
        return response
    }

    /// 1 to 128 characters of letters, digits, `-`, `_`, `.` and `:`; anything else is replaced, never logged.
    static func accepted(_ value: String) -> String? {
        guard (1...128).contains(value.count),
            value.unicodeScalars.allSatisfy({
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.:".unicodeScalars.contains($0)
            })
        else { return nil }
        return value
    }
}
