import Foundation
import Hummingbird
import Persistence

/// `/health/live` (the process answers) and `/health/ready` (the store answers).
package struct HealthController: Sendable {
    let store: any RequestStore

    package init(store: any RequestStore) {
        self.store = store
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        let routes = RouteCollection(context: GatewayRequestContext.self)
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
