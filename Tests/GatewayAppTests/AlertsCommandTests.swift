import Foundation
import Testing
import TestSupport

/// `dsr-gateway alerts export` as a process: promtool accepts the Prometheus rules; a bad rules file is refused.
@Suite struct AlertsCommandTests {
    @Test func promtoolAcceptsTheExportedRules() throws {
        try Files.with { files in
            let exported = try CommandLineRunner.run(["alerts", "export", "--format", "prometheus"])
            #expect(exported.status == 0)
            let promtool = try Promtool.check(["rules", try files.write("rules.yml", exported.output)])
            #expect(promtool.status == 0, "\(promtool.output)")
            #expect(promtool.output.contains("SUCCESS: 8 rules found"))
        }
    }

    @Test func aBadRulesFileStopsStartUpWithTheLineAndTheReason() throws {
        try Files.with { files in
            let rules = try files.write("rules.yaml", "rules:\n  - name: Broken\n    kind: sometimes\n")
            let result = try CommandLineRunner.run(
                ["serve"],
                environment: [
                    "PROCESSOR_WORKSPACE_KEY": "k", "PROCESSOR_WORKSPACE_SECRET": "s",
                    "API_KEYS": "ops:\(String(repeating: "a", count: 64)):requests:read", "ALERTS_RULES_FILE": rules,
                ])
            #expect(result.status != 0)
            #expect((result.output + result.errors).contains("alerts.rules_file line 3: `kind` must be one of"))
        }
    }

    @Test func aBadRulesFileIsRefusedWithItsLine() throws {
        try Files.with { files in
            let path = try files.write("rules.yaml", "rules:\n  - name: Broken\n    kind: sometimes\n")
            let result = try CommandLineRunner.run(["alerts", "export", "--rules", path])
            #expect(result.status == 1)
            #expect(result.output.contains("line 3: `kind` must be one of"))
        }
    }
}
