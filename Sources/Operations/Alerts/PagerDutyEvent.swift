import DSRCore
import Foundation

/// A PagerDuty Events API v2 event (`POST https://events.pagerduty.com/v2/enqueue`): `trigger` with a payload, or
/// `resolve` with only the routing key and the dedup key of the incident its trigger opened.
struct PagerDutyEvent: Encodable, Equatable {
    var routingKey: String
    var eventAction: String
    var dedupKey: String
    var payload: Payload?
    var links: [Link]?
    var client: String?

    struct Payload: Encodable, Equatable {
        /// At most 1024 characters, as PagerDuty accepts.
        var summary: String
        var source: String
        /// `critical`, `error`, `warning` or `info`.
        var severity: String
        var timestamp: String
        var component: String
        var group: String
        var `class`: String
        var customDetails: [String: String]

        enum CodingKeys: String, CodingKey {
            case summary, source, severity, timestamp, component, group, `class`
            case customDetails = "custom_details"
        }
    }

    struct Link: Encodable, Equatable {
        var href: String
        var text: String
    }

    enum CodingKeys: String, CodingKey {
        case routingKey = "routing_key"
        case eventAction = "event_action"
        case dedupKey = "dedup_key"
        case payload, links, client
    }

    init(_ notification: AlertNotification, routingKey: String) {
        self.routingKey = routingKey
        dedupKey = notification.dedupKey
        guard notification.kind != .resolved else {
            eventAction = "resolve"
            return
        }
        eventAction = "trigger"
        client = "dsr-gateway"
        payload = Payload(
            summary: String(notification.line.prefix(1024)), source: notification.source,
            severity: Self.severity(notification.severity), timestamp: Timestamp.format(notification.at),
            component: "dsr-gateway", group: "alerts", class: notification.rule,
            customDetails: [
                "rule": notification.rule, "summary": notification.summary, "value": notification.valueText,
                "threshold": notification.thresholdText, "runbook": notification.runbook,
                "state": notification.title,
            ])
        if notification.runbookURL != nil {
            links = [Link(href: notification.runbook, text: "Runbook: \(notification.rule)")]
        }
    }

    /// Our severities in PagerDuty's words.
    static func severity(_ severity: AlertRule.Severity) -> String {
        switch severity {
        case .critical: "critical"
        case .high: "error"
        case .warning: "warning"
        case .info: "info"
        }
    }
}
