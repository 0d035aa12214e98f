import Hummingbird
import Operations

/// Counts and times every request by method, route template (`/data-subject-requests/{id}`, never the path) and
/// status class. Added before ``ErrorMiddleware`` so it sees the status errors were answered with.
package struct HTTPMetricsMiddleware: RouterMiddleware {
    package typealias Context = GatewayRequestContext

    let metrics: GatewayMetrics

    package init(metrics: GatewayMetrics) {
        self.metrics = metrics
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            record(request, context, status: Int((error as? any HTTPResponseError)?.status.code ?? 500), since: started)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        metrics.httpRequest(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
            duration: ContinuousClock.now - started)
    }
}
