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
        let selector = rule.metric + labels(rule.match, rule.exclude)
        let window = RuleDuration.format(rule.window)
        let comparison = "\(rule.below ? "<" : ">") \(number(rule.threshold))"
        switch rule.kind {
        case .ratio:
            let denominator = (rule.over ?? rule.metric) + labels([:], rule.exclude)
            return "sum(increase(\(selector)[\(window)])) / sum(increase(\(denominator)[\(window)])) \(comparison)"
        case .count:
            return "sum(increase(\(selector)[\(window)])) \(comparison)"
        case .percentile:
            let bucket = rule.metric + "_bucket" + labels(rule.match, rule.exclude)
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

    /// `{a="b",route!~"/health|/metrics"}`: the matches, then the exclusions as anchored alternatives.
    private static func labels(_ match: [String: String], _ exclude: [String: [String]]) -> String {
        let matchers =
            match.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
            + exclude.sorted { $0.key < $1.key }.map { key, values in
                "\(key)!~\"" + values.map(regexLiteral).joined(separator: "|") + "\""
            }
        return matchers.isEmpty ? "" : "{" + matchers.joined(separator: ",") + "}"
    }

    /// A label value as a regular expression matching exactly it (RE2 metacharacters escaped, for PromQL's string).
    private static func regexLiteral(_ value: String) -> String {
        value.map { character in
            #"\.+*?()|[]{}^$"#.contains(character) ? #"\\"# + String(character) : String(character)
        }.joined()
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// A single-quoted YAML scalar.
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
