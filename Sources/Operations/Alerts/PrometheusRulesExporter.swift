import Foundation

/// The rules as Prometheus alerting rules over `/metrics` names, meaning the same thing, for teams that run
/// Prometheus and Alertmanager (`dsr-gateway alerts export --format prometheus`; `promtool check rules` accepts it).
package enum PrometheusRulesExporter {
    package static func yaml(_ rules: [AlertRule], group: String = "dsr-gateway") -> String {
        var lines = ["groups:", "  - name: \(group)", "    rules:"]
        for rule in rules {
            lines += [
                "      - alert: \(rule.name)",
                "        expr: \(quoted(expression(rule)))",
                "        for: \(RuleDuration.format(rule.holdFor))",
                "        labels:",
                "          severity: \(rule.severity.rawValue)",
                "          route: \(rule.route.rawValue)",
                "        annotations:",
                "          summary: \(quoted(rule.summary))",
                "          runbook_url: \(quoted(rule.runbook))",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The PromQL that is true while the rule is breached.
    package static func expression(_ rule: AlertRule) -> String {
        let selector = rule.metric + labels(rule.match)
        let window = RuleDuration.format(rule.window)
        let comparison = "\(rule.below ? "<" : ">") \(number(rule.threshold))"
        switch rule.kind {
        case .ratio:
            return "sum(increase(\(selector)[\(window)])) / sum(increase(\(rule.metric)[\(window)])) \(comparison)"
        case .count:
            return "sum(increase(\(selector)[\(window)])) \(comparison)"
        case .percentile:
            let bucket = rule.metric + "_bucket" + labels(rule.match)
            return "histogram_quantile(\(number(rule.quantile ?? 0.5)), sum by (le) (rate(\(bucket)[\(window)]))) "
                + comparison
        case .gauge:
            return "\(rule.below ? "min" : "max")(\(selector)) \(comparison)"
        case .baselineRatio:
            let baseline = RuleDuration.format(rule.baseline ?? rule.window)
            return "(sum(rate(\(selector)[\(window)])) / sum(rate(\(selector)[\(baseline)] offset \(window)))) "
                + comparison
        }
    }

    private static func labels(_ match: [String: String]) -> String {
        match.isEmpty
            ? ""
            : "{" + match.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// A single-quoted YAML scalar.
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
