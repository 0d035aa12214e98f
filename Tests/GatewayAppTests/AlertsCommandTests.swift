import Foundation
import Operations
import Testing
import TestSupport

/// `dsr-gateway alerts export` and `alerts test` as processes: promtool accepts the Prometheus rules; a bad rules file
/// is refused; a test notification reaches the rule's route.
@Suite struct AlertsCommandTests {
    static let required = [
        "PROCESSOR_WORKSPACE_KEY": "k", "PROCESSOR_WORKSPACE_SECRET": "s",
        "API_KEYS": "ops:\(String(repeating: "a", count: 64)):requests:read",
    ]

    @Test func alertsTestSendsATestNotificationThroughTheRulesRoute() async throws {
        try await AlertReceiver.with { receiver in
            // No security key configured: the security route falls back to the ordinary one.
            let environment = Self.required.merging([
                "ALERTS_PAGERDUTY_URL": receiver.baseURL + "/pagerduty", "ALERTS_PAGERDUTY_ROUTING_KEY": "general-key",
            ]) { $1 }
            let sent = try await CommandLineRunner.run(
                ["alerts", "test", "--rule", "CertValidationFailures"], environment: environment)
            #expect(sent.status == 0, "\(sent.output)\(sent.errors)")
            #expect(sent.output.contains("[TEST] [FIRING] CertValidationFailures sent to PagerDuty"))
            let resolved = try await CommandLineRunner.run(
                ["alerts", "test", "--rule", "CertValidationFailures", "--resolve"], environment: environment)
            #expect(resolved.status == 0)
            let events = receiver.pagerDuty.map(\.json)
            #expect(events.map { $0["event_action"] as? String } == ["trigger", "resolve"])
            #expect(events.allSatisfy { $0["dedup_key"] as? String == "dsr-gateway/CertValidationFailures/test" })
            #expect(events.allSatisfy { $0["routing_key"] as? String == "general-key" })

            // A Slack rule with no webhook, and a rule that does not exist: said, exit 1, nothing sent.
            let unrouted = try await CommandLineRunner.run(
                ["alerts", "test", "--rule", "HighLatency"], environment: environment)
            #expect(unrouted.status == 1)
            #expect(unrouted.output.contains("route slack, which has no destination: set alerts.slack.webhook_url"))
            let unknown = try await CommandLineRunner.run(
                ["alerts", "test", "--rule", "NoSuchRule"], environment: environment)
            #expect(unknown.status == 1)
            #expect(unknown.output.contains("No rule named NoSuchRule"))
            // A receiver that refuses: the answer is shown, exit 1.
            receiver.failNext([400])
            let refused = try await CommandLineRunner.run(
                ["alerts", "test", "--rule", "HighErrorRate"], environment: environment)
            #expect(refused.status == 1)
            #expect(refused.output.contains("not delivered to PagerDuty (route pagerduty): HTTP 400"))
            #expect(receiver.deliveries.count == 3)
        }
    }

    @Test func promtoolAcceptsTheExportedRules() async throws {
        try await Files.with { files in
            let exported = try await CommandLineRunner.run(["alerts", "export", "--format", "prometheus"])
            #expect(exported.status == 0)
            let promtool = try Promtool.check(["rules", try files.write("rules.yml", exported.output)])
            #expect(promtool.status == 0, "\(promtool.output)")
            #expect(promtool.output.contains("SUCCESS: \(DefaultAlertRules.rules.count) rules found"))
        }
    }

    @Test func aBadRulesFileStopsStartUpWithTheLineAndTheReason() async throws {
        try await Files.with { files in
            let rules = try files.write("rules.yaml", "rules:\n  - name: Broken\n    kind: sometimes\n")
            let result = try await CommandLineRunner.run(
                ["serve"],
                environment: Self.required.merging(["ALERTS_RULES_FILE": rules]) { $1 })
            #expect(result.status != 0)
            #expect((result.output + result.errors).contains("alerts.rules_file line 3: `kind` must be one of"))
        }
    }

    @Test func aBadRulesFileIsRefusedWithItsLine() async throws {
        try await Files.with { files in
            let path = try files.write("rules.yaml", "rules:\n  - name: Broken\n    kind: sometimes\n")
            let result = try await CommandLineRunner.run(["alerts", "export", "--rules", path])
            #expect(result.status == 1)
            #expect(result.output.contains("line 3: `kind` must be one of"))
        }
    }
}
