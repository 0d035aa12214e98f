import DSRCore
import Foundation
import Hummingbird
import Operations
import Persistence

/// `GET /alerts` (scope `requests:read`): every alert rule and where it stands.
package struct AlertsController: Sendable {
    let monitor: AlertMonitor

    package init(monitor: AlertMonitor) {
        self.monitor = monitor
    }

    /// One rule's state as the API shows it.
    struct AlertView: Encodable {
        var rule: String
        var state: String
        var since: String
        var value: Double?
        var severity: String
        var route: String
        var summary: String
        var runbook: String
    }

    struct AlertList: ResponseEncodable {
        var alerts: [AlertView]
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        RouteCollection(context: GatewayRequestContext.self).get { _, context -> AlertList in
            try context.require(.operations)
            return AlertList(
                alerts: monitor.alerts.map { rule, state in
                    AlertView(
                        rule: rule.name, state: state.phase.rawValue, since: Timestamp.format(state.since),
                        value: state.value, severity: rule.severity.rawValue, route: rule.route.rawValue,
                        summary: rule.summary,
                        runbook: rule.runbook)
                })
        }
    }
}
