import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Operations

/// Observes every request once, outermost: gives it an id — the caller's `X-Request-Id` when it is a sane token,
/// else a new UUID — in its logger as `request_id` and in the answer's `X-Request-Id`; resolves the client's address
/// (``TrustedProxies``) into the context and the logger as `client.address`; writes one access line
/// (`method`, `route` (the template, never the path), `status`, `duration_ms` and `duration`, the same milliseconds
/// for the operations guide's `{ $.duration > 5000 }` filter; 5xx at `error`); and counts and times it in the HTTP
/// metrics by the same route, method and status.
package struct RequestObservationMiddleware: RouterMiddleware {
    package typealias Context = GatewayRequestContext

    static let header = HTTPField.Name("X-Request-Id")!

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    let metrics: GatewayMetrics
    let trustedProxies: TrustedProxies

    package init(metrics: GatewayMetrics, trustedProxies: TrustedProxies) {
        self.metrics = metrics
        self.trustedProxies = trustedProxies
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let id = request.headers[Self.header].flatMap(Self.accepted) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: "request_id"] = .string(id)
        context.clientAddress = trustedProxies.client(
            peer: context.remoteAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        context.logger[metadataKey: "client.address"] = .string(context.clientAddress)
        let started = ContinuousClock.now
        metrics.requestStarted()
        defer { metrics.requestFinished() }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[Self.header] = id
        let duration = ContinuousClock.now - started
        let milliseconds = Int(duration / .milliseconds(1))
        let status = Int(response.status.code)
        let route = context.endpointPath ?? "unmatched"
        metrics.httpRequest(method: request.method.rawValue, route: route, status: status, duration: duration)
        context.logger.log(
            level: status >= 500 ? .error : .info, "request",
            metadata: [
                "method": .string(request.method.rawValue), "route": .string(route),
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
