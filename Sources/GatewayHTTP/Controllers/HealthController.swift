import Foundation
import Hummingbird
import Operations
import Persistence

/// `/health` (every check, 200 or 503), `/health/live` (the process answers) and `/health/ready` (the store
/// answers), all without authentication.
package struct HealthController: Sendable {
    let store: any RequestStore
    let checks: HealthChecks

    package init(store: any RequestStore, checks: HealthChecks) {
        self.store = store
        self.checks = checks
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        let routes = RouteCollection(context: GatewayRequestContext.self)
        routes.get { request, context -> Response in
            let report = await checks.run(logger: context.logger)
            var response = try report.response(from: request, context: context)
            response.status = report.isHealthy ? .ok : .serviceUnavailable
            return response
        }
        routes.get("live") { _, _ in Status(status: "ok") }
        routes.get("ready") { request, context -> Response in
            do {
                _ = try await store.countByState()
                return try Status(status: "ready").response(from: request, context: context)
            } catch {
                var response = try Status(status: "not_ready").response(from: request, context: context)
                response.status = .serviceUnavailable
                return response
            }
        }
        return routes
    }

    struct Status: ResponseEncodable {
        var status: String
    }
}

extension HealthReport: ResponseEncodable {}
