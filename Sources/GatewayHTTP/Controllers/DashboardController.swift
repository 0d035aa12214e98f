import DSRCore
import Hummingbird
import Operations
import Persistence

/// `GET /dashboard`: the operations dashboard (scope `requests:read`; a browser signs in with HTTP Basic, any user
/// name and the API key as password).
package struct DashboardController: Sendable {
    let sampler: MetricsSampler
    let health: HealthChecks
    let alerts: AlertMonitor
    let trends: MetricsTrends

    package init(sampler: MetricsSampler, health: HealthChecks, alerts: AlertMonitor, trends: MetricsTrends) {
        self.sampler = sampler
        self.health = health
        self.alerts = alerts
        self.trends = trends
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        RouteCollection(context: GatewayRequestContext.self).get { _, context -> Response in
            try context.require(.operations)
            async let report = health.run(logger: context.logger)
            let metrics = MetricsText(try await sampler.exposition())
            let page = DashboardPage(
                metrics: metrics, health: await report, alerts: alerts.alerts.filter { $0.state.phase != .inactive },
                history: trends.history, now: sampler.clock.now)
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: page.html)))
        }
    }
}
