import Foundation
import Operations
import Testing

/// The rules file: the defaults are the guide's alerts plus ours, and a bad file is refused with the line and reason.
@Suite struct AlertRulesFileTests {
    @Test func theDefaultsAreTheGuidesAlertsAndOurs() throws {
        let rules = try AlertRulesFile.parse(DefaultAlertRules.yaml)
        let byName = Dictionary(uniqueKeysWithValues: rules.map { ($0.name, $0) })
        #expect(rules.count == 15)
        let errors = try #require(byName["HighErrorRate"])
        #expect(errors.kind == .ratio && errors.match == ["status_class": "5xx"] && errors.window == 300)
        #expect(
            errors.exclude["route"]?.contains("/health") == true
                && errors.exclude["route"]?.contains("/metrics") == true)
        #expect(byName["FailureRate"]?.over == "dsr_gateway_requests_submitted_total")
        #expect(byName["FailureRate"]?.window == 3600 && byName["FailureRate"]?.threshold == 0.05)
        #expect(
            byName["CertValidationSuccessLow"]?.below == true && byName["CertValidationSuccessLow"]?.threshold == 0.95)
        #expect(byName["UpstreamLatency"]?.quantile == 0.95 && byName["UpstreamLatency"]?.threshold == 5)
        #expect(byName["ProcessorUnreachable"]?.metric == "dsr_gateway_processor_circuit_open")
        #expect(byName["BatonFailures"]?.match == ["route": "/baton", "status_class": "5xx"])
        #expect(
            errors.threshold == 0.05 && !errors.below && errors.severity == .critical && errors.route == .pagerDuty)
        #expect(byName["CertValidationFailures"]?.route == .pagerDutySecurity)
        #expect(byName["CertValidationFailures"]?.threshold == 0.01)
        #expect(byName["UpstreamFailures"]?.kind == .count && byName["UpstreamFailures"]?.window == 900)
        #expect(byName["RequestFailed"]?.kind == .count && byName["RequestFailed"]?.threshold == 0)
        #expect(byName["RequestFailed"]?.route == .slack)
        #expect(byName["HighLatency"]?.quantile == 0.95 && byName["HighLatency"]?.threshold == 2)
        #expect(byName["CertExpiry"]?.below == true && byName["CertExpiry"]?.threshold == 30 * 86_400)
        #expect(byName["HighVolume"]?.kind == .baselineRatio && byName["HighVolume"]?.baseline == 86_400)
        #expect(byName["HighVolume"]?.severity == .info)
        #expect(byName["DeadlineApproaching"]?.severity == .high)
        #expect(byName["DispatcherStalled"]?.threshold == 600)
        #expect(rules.allSatisfy { $0.holdFor > 0 && !$0.summary.isEmpty })
    }

    @Test func everyRunbookLinkPointsAtAHeadingOfTheRunbooks() throws {
        let runbooks = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/runbooks.md"), encoding: .utf8)
        let anchors = Set(
            runbooks.split(separator: "\n").filter { $0.hasPrefix("## ") }.map {
                $0.dropFirst(3).lowercased().replacingOccurrences(of: " ", with: "-")
            })
        for rule in try AlertRulesFile.parse(DefaultAlertRules.yaml) {
            let parts = rule.runbook.split(separator: "#")
            #expect(parts.first == "docs/runbooks.md")
            #expect(anchors.contains(String(parts.last ?? "")), "\(rule.name): \(rule.runbook)")
        }
    }

    static let valid = """
        rules:
          - name: Example
            summary: An example
            kind: count
            metric: dsr_gateway_requests_failed_total
            window: 15m
            above: 10
            for: 1m
            severity: high
            route: pagerduty
            runbook: docs/runbooks.md#processor-failures
        """

    @Test(arguments: [
        ("kind: count", "kind: average", 4, "`kind` must be one of ratio, count, percentile, gauge, baseline_ratio"),
        ("window: 15m", "window: fifteen", 6, "`window` must be a duration such as 30s, 5m, 2h or 7d"),
        ("    above: 10\n", "", 2, "give exactly one of `above` or `below`"),
        ("    for: 1m\n", "", 2, "`for` is required"),
        ("severity: high", "severity: urgent", 9, "`severity` must be one of critical, high, warning, info"),
        ("above: 10", "above: ten", 7, "`above` must be a number"),
        ("route: pagerduty", "route: pagerduty\n    colour: red", 11, "unknown key `colour`"),
        (
            "route: pagerduty", "route: pager-duty", 10,
            "`route` must be one of pagerduty, pagerduty-security, slack, slack-security"
        ),
        (
            "metric: dsr_gateway_requests_failed_total", "metric: not a name", 5,
            "metric is not a Prometheus metric name"
        ),
        ("rules:", "rules: {", 2, "not valid YAML"),
        (
            "metric: dsr_gateway_requests_failed_total", "metric: dsr_gateway_requests_failed", 5,
            "metric dsr_gateway_requests_failed is not exported by the gateway, so the rule could never fire"
        ),
        (
            "kind: count", "kind: gauge", 5,
            "a gauge rule cannot read dsr_gateway_requests_failed_total, a counter"
        ),
        (
            "metric: dsr_gateway_requests_failed_total",
            "metric: dsr_gateway_requests_failed_total\n    match: {status: x}", 6,
            "dsr_gateway_requests_failed_total has no label `status` (its labels: type, regulation), so the rule could "
                + "never fire"
        ),
    ])
    func aBadFileIsRefusedWithTheLineAndTheReason(change: (String, String, Int, String)) {
        let yaml = Self.valid.replacingOccurrences(of: change.0, with: change.1)
        #expect(throws: AlertRulesError(line: change.2, reason: change.3)) { try AlertRulesFile.parse(yaml) }
    }

    @Test func aSecondRuleWithTheSameNameIsRefused() {
        let rule = Self.valid.split(separator: "\n").dropFirst().joined(separator: "\n")
        #expect(throws: AlertRulesError(line: 12, reason: "a second rule named Example")) {
            try AlertRulesFile.parse(Self.valid + "\n" + rule)
        }
    }
}
