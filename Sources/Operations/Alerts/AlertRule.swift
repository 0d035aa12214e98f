import Foundation

/// One alert rule: what to measure over which window, the threshold and how long it must hold, and where to send it.
package struct AlertRule: Sendable, Equatable {
    /// How the rule's value is computed from the metrics.
    package enum Kind: String, Sendable, CaseIterable {
        /// increase(metric{match}) / increase(over or metric) over the window (5xx share, failed over submitted).
        case ratio
        /// increase(metric{match}) over the window (failures in 15 minutes).
        case count
        /// The `quantile` of a histogram's observations over the window, in the metric's unit (seconds).
        case percentile
        /// The gauge's current value (the lowest when `below`, the highest when `above`).
        case gauge
        /// rate over the window / rate over the `baseline` window before it (volume against its baseline).
        case baselineRatio = "baseline_ratio"
    }

    package enum Severity: String, Sendable, Codable, CaseIterable {
        case critical, high, warning, info
    }

    package var name: String
    package var kind: Kind
    package var metric: String
    /// Label values a sample must have (the numerator, for ratios).
    package var match: [String: String]
    /// Label values that leave a sample out, of the numerator and the denominator alike (the health checks and the
    /// scrapes are not the API).
    package var exclude: [String: [String]] = [:]
    /// For `ratio`: the denominator's metric, when it is another counter (failed requests over submitted ones);
    /// nil: the rule's own metric without `match`.
    package var over: String? = nil
    package var window: TimeInterval
    /// The comparison: fires when the value is above the threshold, or below it when `below` is true.
    package var threshold: Double
    package var below: Bool
    /// How long the breach must last before the alert fires.
    package var holdFor: TimeInterval
    package var severity: Severity
    /// Where notifications go.
    package var route: AlertRoute
    package var runbook: String
    /// For `percentile`: 0…1.
    package var quantile: Double?
    /// For `baseline_ratio`: the window before `window` that is the baseline.
    package var baseline: TimeInterval?
    /// One line for people: what the rule means.
    package var summary: String
}

/// Where a rule's notifications go; each route's destination (a PagerDuty routing key, a Slack webhook) is set in the
/// configuration, and a security route without its own destination falls back to the ordinary one.
package enum AlertRoute: String, Sendable, Codable, CaseIterable {
    case pagerDuty = "pagerduty"
    case pagerDutySecurity = "pagerduty-security"
    case slack
    case slackSecurity = "slack-security"
}

/// Durations as rules write them: `30s`, `5m`, `2h`, `7d`.
package enum RuleDuration {
    package static func parse(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86_400
        default: return nil
        }
    }

    /// The shortest exact form (`90s`, `5m`, `2h`, `7d`), as Prometheus reads it.
    package static func format(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds)
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] where whole % size == 0 && whole >= size {
            return "\(whole / size)\(unit)"
        }
        return "\(whole)s"
    }
}
