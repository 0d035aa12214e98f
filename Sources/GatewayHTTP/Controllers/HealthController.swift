import Foundation
import Hummingbird
import Operations

/// `/health` (every check, 200 or 503), `/health/live` (the process answers) and `/health/ready` (the store
/// commits a write and reads it back within 2 s), all without authentication.
package struct HealthController: Sendable {
    let checks: HealthChecks

    package init(checks: HealthChecks) {
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
            guard await checks.ready() else {
                var response = try Status(status: "not_ready").response(from: request, context: context)
                response.status = .serviceUnavailable
                return response
            }
            return try Status(status: "ready").response(from: request, context: context)
        }
        return routes
    }

    struct Status: ResponseEncodable {
        var status: String
    }
}

extension HealthReport: ResponseEncodable {}
