import DSRCore
import Foundation

/// What one notification says: the rule, what happened (firing, still firing, resolved), the value against the
/// threshold, the runbook. Built from a transition and rendered per destination (a PagerDuty event, a Slack message).
/// Rules measure aggregates, so nothing here can name a data subject.
package struct AlertNotification: Sendable, Codable, Equatable {
    package var kind: AlertTransition.Kind
    /// Sent by `dsr-gateway alerts test`: marked as a test, with its own dedup key.
    package var isTest: Bool
    package var rule: String
    package var summary: String
    package var severity: AlertRule.Severity
    package var route: AlertRoute
    package var value: Double?
    /// The value as people read it (`20.0 %`, `12 min`, `no data`).
    package var valueText: String
    /// The condition as people read it (`above 5.0 %`).
    package var thresholdText: String
    /// The runbook: a URL when `alerts.runbook_base_url` is set, else the path in the repository.
    package var runbook: String
    package var at: Date
    /// Who reports (PagerDuty `source`), `alerts.source`.
    package var source: String
    /// The same for every notification of one rule, so PagerDuty resolves the incident its trigger opened.
    package var dedupKey: String

    package init(
        _ transition: AlertTransition, source: String, runbookBaseURL: String?, isTest: Bool = false
    ) {
        let rule = transition.rule
        kind = transition.kind
        self.isTest = isTest
        self.rule = rule.name
        summary = rule.summary
        severity = rule.severity
        route = rule.route
        value = transition.value
        valueText = transition.value.map(rule.format) ?? "no data"
        thresholdText = (rule.below ? "below " : "above ") + rule.format(rule.threshold)
        runbook =
            runbookBaseURL.map { base in
                (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + rule.runbook
            } ?? rule.runbook
        at = transition.at
        self.source = source
        dedupKey = "\(source)/\(rule.name)" + (isTest ? "/test" : "")
    }

    /// `[FIRING] HighErrorRate`, `[STILL FIRING] …`, `[RESOLVED] …`, with `[TEST]` in front for tests.
    package var title: String {
        let state =
            switch kind {
            case .firing: "FIRING"
            case .repeated: "STILL FIRING"
            case .resolved: "RESOLVED"
            }
        return (isTest ? "[TEST] " : "") + "[\(state)] \(rule)"
    }

    /// The runbook as a link, when it is one (`alerts.runbook_base_url` set).
    package var runbookURL: URL? {
        URL(string: runbook).flatMap { ["http", "https"].contains($0.scheme ?? "") ? $0 : nil }
    }

    /// One line with everything: what a pager or a plain-text client shows.
    package var line: String {
        "\(title) (\(severity.rawValue)): \(summary) — value \(valueText), threshold \(thresholdText). "
            + "Runbook: \(runbook)"
    }
}

extension AlertRule {
    /// A value of this rule in its unit: ratios as percentages, `_seconds` metrics as durations, counts as numbers.
    package func format(_ value: Double) -> String {
        switch kind {
        case .ratio, .baselineRatio:
            return String(format: "%.1f %%", value * 100)
        case .count, .gauge, .percentile:
            guard metric.hasSuffix("_seconds") else {
                return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
            }
            let (amount, unit): (Double, String) =
                switch abs(value) {
                case ..<1: (value * 1000, "ms")
                case ..<120: (value, "s")
                case ..<7200: (value / 60, "min")
                case ..<172_800: (value / 3600, "h")
                default: (value / 86_400, "days")
                }
            return String(format: amount == amount.rounded() ? "%.0f %@" : "%.1f %@", amount, unit)
        }
    }
}
