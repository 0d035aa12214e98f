import DSRCore
import Operations
import Foundation
import ProcessorSimulator
import Testing
import TestSupport

/// The runbook and run commands, executed as processes: output and exit status are what a person sees.
@Suite struct CommandLineTests {
    static let at = Timestamp.format(PKIFixtures.now)

    @Test func callbackVerifyAcceptsAGenuineCallback() async throws {
        try await Files.with { files in
            let body = PKIFixtures.body
            let result = try await CommandLineRunner.run(
                try Self.callbackVerify(files, body: body, signature: PKIFixtures.good.signer.signature(for: body)))
            #expect(result.status == 0)
            #expect(result.output == "valid\n")
        }
    }

    @Test(arguments: ["tampered body", "untrusted root", "expired"])
    func callbackVerifyRefusesWithTheReason(_ case_: String) async throws {
        try await Files.with { files in
            var body = PKIFixtures.body
            let signature = try PKIFixtures.good.signer.signature(for: body)
            var arguments: [String]
            switch case_ {
            case "tampered body":
                body[body.count - 3] ^= 1
                arguments = try Self.callbackVerify(files, body: body, signature: signature)
            case "untrusted root":
                arguments = try Self.callbackVerify(
                    files, body: body, signature: signature, roots: PKIFixtures.untrusted)
            default:
                arguments = try Self.callbackVerify(files, body: body, signature: signature)
                arguments[arguments.count - 1] = Timestamp.format(PKIFixtures.now + 365 * PKIFixtures.day)
            }
            let result = try await CommandLineRunner.run(arguments)
            #expect(result.status == 1)
            #expect(result.output.hasPrefix("invalid: "))
        }
    }

    @Test func certInspectShowsWhatAnOnCallEngineerNeeds() async throws {
        try await Files.with { files in
            let pem = try files.write("chain.pem", PKIFixtures.good.chainPEM)
            let result = try await CommandLineRunner.run(["cert", "inspect", pem, "--at", Self.at])
            #expect(result.status == 0)
            for expected in ["opendsr.mparticle.com", "www.opendsr.mparticle.com", "SHA-256", "days"] {
                #expect(result.output.contains(expected), "missing \(expected)")
            }
        }
    }

    @Test func certVerifyExitsNonZeroForAWrongName() async throws {
        try await Files.with { files in
            let pem = try files.write("chain.pem", PKIFixtures.wrongName.chainPEM)
            let roots = try files.write("roots.pem", PKIFixtures.wrongName.rootPEM)
            let valid = try await CommandLineRunner.run(
                ["cert", "verify", pem, "--domain", "opendsr.example.com", "--trust-roots", roots, "--at", Self.at])
            #expect(valid.status == 0)
            #expect(valid.output.hasPrefix("valid: opendsr.example.com"))
            let invalid = try await CommandLineRunner.run([
                "cert", "verify", pem, "--trust-roots", roots, "--at", Self.at,
            ])
            #expect(invalid.status == 1)
            #expect(invalid.output.hasPrefix("invalid: "))
        }
    }

    @Test func demoRunsTheWholeLifecycleAndExitsZero() async throws {
        let result = try await CommandLineRunner.run(["demo"])
        #expect(result.status == 0)
        #expect(result.output.contains("in_progress → completed"))
        #expect(result.output.contains("matches the audit trail"))
        #expect(!result.output.contains("ada@example.com"))
    }

    @Test func serveRefusesAnIncompleteConfigurationWithoutPrintingSecrets() async throws {
        let result = try await CommandLineRunner.run(
            ["serve"], environment: ["PROCESSOR_WORKSPACE_SECRET": "s3cr3t-value", "API_KEYS": "bad-entry"])
        #expect(result.status != 0)
        let printed = result.output + result.errors
        #expect(printed.contains("processor.workspace_key"))
        #expect(printed.contains("api_keys[0]"))
        #expect(!printed.contains("s3cr3t-value"))
    }

    @Test func checkConfigListsEveryProblemWithoutSecretsAndExitsOne() async throws {
        try await Files.with { files in
            let config = try files.write(
                "bad.json",
                #"{"processor":{"workspace_key":"k","workspace_secret":"s3cr3t-value","base_url":"not a url"},"#
                    + #""http":{"port":70000},"api_keys":["x:short:requests:read"]}"#)
            let result = try await CommandLineRunner.run(["check-config", "--config", config])
            #expect(result.status == 1)
            for problem in ["processor.base_url", "http.port", "api_keys[0]"] {
                #expect(result.output.contains(problem), "\(problem)")
            }
            #expect(!(result.output + result.errors).contains("s3cr3t-value"))
        }
    }

    @Test func checkConfigRefusesUnreadableTrustRootsAndPassesAGoodFile() async throws {
        try await Files.with { files in
            let key = "support:\(String(repeating: "a", count: 64)):requests:read"
            let roots = try files.write("roots.pem", "not a certificate")
            func config(_ roots: String) throws -> String {
                try files.write(
                    "gateway.json",
                    #"{"processor":{"workspace_key":"k","workspace_secret":"s3cr3t-value"},"api_keys":[""#
                        + key + #""],"callbacks":{"trust_roots_file":""# + roots + #""},"store":{"sqlite_path":""#
                        + files.directory.path + #""},"results":{"directory":""#
                        // Two levels that do not exist yet: serve creates them, so they are no problem.
                        + files.directory.directory.appendingPathComponent("results/archives").path + #""},"#
                        + #""alerts":{"slack":{"webhook_url":"https://hooks.example.com/services/s3cr3t-hook"}}}"#)
            }
            let bad = try await CommandLineRunner.run(["check-config", "--config", try config(roots)])
            #expect(bad.status == 1)
            #expect(bad.output.contains("callbacks.trust_roots_file"))
            let good = try await CommandLineRunner.run([
                "check-config", "--config", try config(try files.write("good.pem", PKIFixtures.good.rootPEM)),
            ])
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.hasPrefix("configuration OK"))
            #expect(good.output.contains("api keys: support (requests:read)"))
            #expect(good.output.contains("approval: off"))
            #expect(good.output.contains("audit: checkpoints every 60 s, signed with the key file "))
            #expect(
                good.output.contains(
                    "alerts: \(DefaultAlertRules.rules.count) rules, routes with a destination: slack, slack-security"))
            #expect(!(good.output + good.errors).contains("s3cr3t-value"))
            #expect(!(good.output + good.errors).contains("s3cr3t-hook"))
        }
    }

    static func callbackVerify(
        _ files: Files, body: [UInt8], signature: String, roots: GeneratedChain = PKIFixtures.good
    ) throws -> [String] {
        [
            "callback", "verify", "--body", try files.write("body.json", body), "--signature", signature,
            "--domain", PKIFixtures.domain, "--certificate-chain",
            try files.write("chain.pem", PKIFixtures.good.chainPEM),
            "--trust-roots", try files.write("roots.pem", roots.rootPEM), "--at", at,
        ]
    }
}

/// A temporary directory for a test's input files.
struct Files {
    let directory: TemporaryDatabase

    static func with(_ body: (Files) async throws -> Void) async throws {
        let directory = try TemporaryDatabase()
        defer { try? directory.remove() }
        try await body(Files(directory: directory))
    }

    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory.directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
