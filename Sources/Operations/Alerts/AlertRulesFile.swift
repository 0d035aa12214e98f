import Foundation
import Yams

/// A rules file that cannot be used: the line and the reason (start-up refuses it).
package struct AlertRulesError: Error, Equatable, CustomStringConvertible {
    package var line: Int
    package var reason: String

    package init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    package var description: String { "line \(line): \(reason)" }
}

/// Reads a rules file (YAML: `rules:` then one mapping per rule, keys as in ``AlertRule``'s documentation in the
/// README) and checks every field, reporting the first problem with its line.
package enum AlertRulesFile {
    static let keys: Set<String> = [
        "name", "kind", "metric", "match", "window", "above", "below", "for", "severity", "route", "runbook",
        "quantile", "baseline", "summary", "exclude", "over",
    ]

    package static func parse(_ yaml: String) throws(AlertRulesError) -> [AlertRule] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw AlertRulesError(line: Self.line(of: error), reason: "not valid YAML")
        } catch {
            throw AlertRulesError(line: 1, reason: "not valid YAML")
        }
        guard let top = root?.mapping, let list = top["rules"] else {
            throw AlertRulesError(line: root?.mark?.line ?? 1, reason: "expected a mapping with a `rules` list")
        }
        guard let rules = list.sequence else {
            throw AlertRulesError(line: line(list), reason: "`rules` must be a list")
        }
        var parsed: [AlertRule] = []
        for node in rules {
            let rule = try Self.rule(node)
            if parsed.contains(where: { $0.name == rule.name }) {
                throw AlertRulesError(line: line(node), reason: "a second rule named \(rule.name)")
            }
            parsed.append(rule)
        }
        return parsed
    }

    private static func rule(_ node: Node) throws(AlertRulesError) -> AlertRule {
        guard let fields = node.mapping else {
            throw AlertRulesError(line: line(node), reason: "a rule must be a mapping")
        }
        for key in fields.keys where !keys.contains(key.string ?? "") {
            throw AlertRulesError(line: line(key), reason: "unknown key `\(key.string ?? "?")`")
        }
        let at = line(node)
        let name = try text(fields, "name", at)
        // At most 100 characters: with `alerts.source` it makes PagerDuty's dedup_key, which takes 255.
        guard name.range(of: #"^[A-Za-z][A-Za-z0-9_-]{0,99}$"#, options: .regularExpression) != nil else {
            throw AlertRulesError(line: at, reason: "name must be letters, digits, - and _ (at most 100)")
        }
        let kind = try choice(fields, "kind", at, AlertRule.Kind.self)
        let metric = try text(fields, "metric", at)
        guard metric.range(of: #"^[a-zA-Z_:][a-zA-Z0-9_:]*$"#, options: .regularExpression) != nil else {
            throw AlertRulesError(line: line(fields["metric"]!), reason: "metric is not a Prometheus metric name")
        }
        var match: [String: String] = [:]
        if let node = fields["match"] {
            guard let pairs = node.mapping else {
                throw AlertRulesError(line: line(node), reason: "match must map label names to values")
            }
            for (key, value) in pairs {
                guard let key = key.string, let value = value.string else {
                    throw AlertRulesError(line: line(node), reason: "match must map label names to values")
                }
                match[key] = value
            }
        }
        var exclude: [String: [String]] = [:]
        if let node = fields["exclude"] {
            let problem = AlertRulesError(line: line(node), reason: "exclude must map label names to lists of values")
            guard let pairs = node.mapping else { throw problem }
            for (key, values) in pairs {
                guard let key = key.string, let list = values.sequence?.compactMap(\.string),
                    list.count == values.sequence?.count, !list.isEmpty
                else { throw problem }
                exclude[key] = list
            }
        }
        try checkAgainstCatalogue(metric, kind: kind, match: match, fields)
        try checkAgainstCatalogue(metric, labels: Set(exclude.keys), fields, key: "exclude")
        var over: String?
        if fields["over"] != nil {
            guard kind == .ratio else {
                throw AlertRulesError(line: line(fields["over"]!), reason: "`over` is for ratio rules only")
            }
            let denominator = try text(fields, "over", at)
            try checkAgainstCatalogue(denominator, kind: .ratio, match: [:], fields, key: "over")
            try checkAgainstCatalogue(denominator, labels: Set(exclude.keys), fields, key: "exclude")
            over = denominator
        }
        let above = try number(fields, "above", at, required: false)
        let below = try number(fields, "below", at, required: false)
        guard (above == nil) != (below == nil) else {
            throw AlertRulesError(line: at, reason: "give exactly one of `above` or `below`")
        }
        let window = try duration(fields, "window", at, required: kind != .gauge) ?? 0
        let quantile = try number(fields, "quantile", at, required: kind == .percentile)
        if let quantile, !(0 < quantile && quantile < 1) {
            throw AlertRulesError(line: line(fields["quantile"]!), reason: "quantile must be between 0 and 1")
        }
        var rule = AlertRule(
            name: name, kind: kind, metric: metric, match: match, window: window, threshold: above ?? below!,
            below: below != nil, holdFor: try duration(fields, "for", at, required: true)!,
            severity: try choice(fields, "severity", at, AlertRule.Severity.self),
            route: try choice(fields, "route", at, AlertRoute.self),
            runbook: try text(fields, "runbook", at), quantile: quantile,
            baseline: try duration(fields, "baseline", at, required: kind == .baselineRatio),
            summary: try text(fields, "summary", at))
        rule.exclude = exclude
        rule.over = over
        return rule
    }

    private static func text(_ fields: Node.Mapping, _ key: String, _ at: Int) throws(AlertRulesError) -> String {
        guard let node = fields[key] else { throw AlertRulesError(line: at, reason: "`\(key)` is required") }
        guard let value = node.string, !value.isEmpty else {
            throw AlertRulesError(line: line(node), reason: "`\(key)` must be text")
        }
        return value
    }

    private static func choice<Value: RawRepresentable & CaseIterable>(
        _ fields: Node.Mapping, _ key: String, _ at: Int, _ type: Value.Type
    ) throws(AlertRulesError) -> Value where Value.RawValue == String {
        let value = try text(fields, key, at)
        guard let parsed = Value(rawValue: value) else {
            let known = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw AlertRulesError(line: line(fields[key]!), reason: "`\(key)` must be one of \(known)")
        }
        return parsed
    }

    private static func number(
        _ fields: Node.Mapping, _ key: String, _ at: Int, required: Bool
    ) throws(AlertRulesError) -> Double? {
        try scalar(fields, key, at, required: required, expected: "a number") {
            Double($0).flatMap { $0.isFinite ? $0 : nil }
        }
    }

    private static func duration(
        _ fields: Node.Mapping, _ key: String, _ at: Int, required: Bool
    ) throws(AlertRulesError) -> TimeInterval? {
        try scalar(
            fields, key, at, required: required, expected: "a duration such as 30s, 5m, 2h or 7d", RuleDuration.parse)
    }

    /// An optional (or `required`) scalar read with `parse`; `expected` says what it must be.
    private static func scalar<Value>(
        _ fields: Node.Mapping, _ key: String, _ at: Int, required: Bool, expected: String,
        _ parse: (String) -> Value?
    ) throws(AlertRulesError) -> Value? {
        guard let node = fields[key] else {
            if required { throw AlertRulesError(line: at, reason: "`\(key)` is required") }
            return nil
        }
        guard let value = node.string.flatMap(parse) else {
            throw AlertRulesError(line: line(node), reason: "`\(key)` must be \(expected)")
        }
        return value
    }

    /// A rule on a metric the gateway does not export, on a label that metric lacks, or of a kind that cannot read
    /// that metric would parse and then never fire: refused here instead.
    private static func checkAgainstCatalogue(
        _ metric: String, kind: AlertRule.Kind, match: [String: String], _ fields: Node.Mapping,
        key: String = "metric"
    ) throws(AlertRulesError) {
        let at = line(fields[key]!)
        guard let definition = MetricsCatalogue.all.first(where: { $0.name == metric }) else {
            throw AlertRulesError(
                line: at, reason: "metric \(metric) is not exported by the gateway, so the rule could never fire")
        }
        try checkAgainstCatalogue(metric, labels: Set(match.keys), fields, key: "match")
        let fits: Bool =
            switch kind {
            case .ratio, .count, .baselineRatio: definition.type == .counter
            case .percentile: definition.type == .histogram
            case .gauge: definition.type == .gauge
            }
        guard fits else {
            throw AlertRulesError(
                line: at, reason: "a \(kind.rawValue) rule cannot read \(metric), a \(definition.type.rawValue)")
        }
    }

    /// Every label in `labels` is one `metric` has (`key` names the field that gave them, for the error's line).
    private static func checkAgainstCatalogue(
        _ metric: String, labels: Set<String>, _ fields: Node.Mapping, key: String
    ) throws(AlertRulesError) {
        guard let definition = MetricsCatalogue.all.first(where: { $0.name == metric }),
            let label = labels.sorted().first(where: { !definition.labels.contains($0) })
        else { return }
        let known = definition.labels.isEmpty ? "none" : definition.labels.joined(separator: ", ")
        throw AlertRulesError(
            line: line(fields[key]!),
            reason: "\(metric) has no label `\(label)` (its labels: \(known)), so the rule could never fire")
    }

    private static func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: 1
        }
    }
}
