import AuditLog
import GatewayApp
import GatewayTools
import Foundation
import Logging
import EmbeddedSQLite
import Testing
import TestSupport
import Workers

/// The gateway seals its audit log as it runs and at shutdown, with a key it generates beside the database, and
/// `dsr-gateway audit verify` and `audit public-key` check it from outside the process: intact, then tampered with.
@Suite struct AuditCommandTests {
    @Test func theGatewaySealsItsLogAndTheCommandVerifiesItThenNamesATamperedEntry() async throws {
        let copies = FileManager.default.temporaryDirectory.appendingPathComponent("audit-copies-\(UUID())").path
        try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: copies) }
        try await AlertReceiver.with { receiver in
            try await GatewayHarness.with(gateway: {
                $0.audit.copyDirectory = copies
                $0.audit.copyURL = receiver.baseURL + "/checkpoints"
            }) { harness in
                let api = try await harness.api
                let first = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "audit-1")
                _ = try await api.submitted(regulation: "ccpa", type: "access", subjectId: "audit-2")
                try await harness.waitFor(first, state: "pending")
                // Shutting down signs a checkpoint of everything written.
                try await harness.stopGateway()
                let database = harness.storePath
                let keyFile = database + ".audit-key"
                let mode = try #require(
                    FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int)
                #expect(mode & 0o777 == 0o600)
                let copied = try FileManager.default.contentsOfDirectory(atPath: copies)
                #expect(copied.count == 1 && copied[0].hasSuffix(".checkpoint"))
                // The same signed note went to the copy URL.
                let posted = receiver.deliveries.filter { $0.path == "/checkpoints" }.map(\.body)
                #expect(posted == [try String(contentsOfFile: "\(copies)/\(copied[0])", encoding: .utf8)])

                let publicKey = try await CommandLineRunner.run(["audit", "public-key", "--database", database])
                #expect(publicKey.status == 0)
                let signer = try NoteSigner(encoded: try String(contentsOfFile: keyFile, encoding: .utf8))
                #expect(publicKey.output == signer.verifier.encoded + "\n")

                let intact = try await CommandLineRunner.run([
                    "audit", "verify", "--database", database, "--checkpoints", copies,
                ])
                #expect(intact.status == 0, "\(intact.output)\(intact.errors)")
                #expect(intact.output.hasPrefix("audit log intact: "))
                #expect(intact.output.contains("sealed up to 5 by 2 checkpoints (1 from copies)"))

                // A stranger's key verifies none of them.
                let stranger = try NoteSigner(name: "someone-else").verifier.encoded
                let unverified = try await CommandLineRunner.run([
                    "audit", "verify", "--database", database, "--public-key", stranger,
                ])
                #expect(unverified.status == 1)
                #expect(unverified.output.contains("not signed by a known audit key"))

                // Rewrite history behind the gateway's back, as someone with the file could.
                let connection = try await SQLiteConnection.open(path: database)
                _ = try await connection.query("DROP TRIGGER audit_entries_no_update")
                _ = try await connection.query("UPDATE audit_entries SET event = 'resolved' WHERE leaf_index = 1")
                try await connection.close()
                let broken = try await CommandLineRunner.run(["audit", "verify", "--database", database])
                #expect(broken.status == 1)
                #expect(broken.output.hasPrefix("audit log BROKEN: first broken position 1\n"))
                #expect(broken.output.contains("position 1: the entry was changed after it was written"))
                #expect(!broken.output.contains("audit-1"))
            }
        }
    }
}
