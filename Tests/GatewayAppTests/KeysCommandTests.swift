import DSRCore
import Foundation
import GatewayApp
import Persistence
import Testing
import TestSupport

/// `dsr-gateway keys rotate` on a real SQLite file: with the new key current and the old one previous, every subject is
/// sealed afresh and the old key retired; a second run finds nothing to do.
@Suite struct KeysCommandTests {
    @Test func rotatingSealsEverySubjectWithTheNewKeyAndRetiresTheOld() async throws {
        let directory = try TemporaryDirectory(prefix: "keys")
        defer { directory.remove() }
        let database = directory.url.appendingPathComponent("gateway.sqlite").path
        let (oldText, newText) = (SubjectKeys.generate(), SubjectKeys.generate())
        let old = try SubjectKeys(current: oldText)
        let store = try await SQLiteRequestStore.open(
            path: database, logger: GatewayHarness.quietLogger, subjectKeys: old)
        var request = DSRRequest(
            id: UUID(), regulation: .gdpr, type: .erasure,
            subject: SubjectIdentity(customerId: "rotate-me", email: nil),
            source: .api, receivedAt: Date(), deadline: Date().addingTimeInterval(86_400))
        request.principal = "test"
        _ = try await store.create(request, audit: AuditEntry(at: Date(), actor: .api, event: .received))
        try await store.close()

        let config = directory.url.appendingPathComponent("gateway.json")
        let settings: [String: Any] = [
            "store": ["sqlite_path": database, "encryption_key": newText, "previous_encryption_keys": [oldText]]
        ]
        try JSONSerialization.data(withJSONObject: settings).write(to: config)
        let rotated = try await CommandLineRunner.run(["keys", "rotate", "--config", config.path])
        #expect(rotated.status == 0, "\(rotated.output)\(rotated.errors)")
        #expect(
            rotated.output
                == "sealed 1 request afresh with the current key\nretired key ids \(old.current.id): the database no longer "
                + "needs them; keep them in store.previous_encryption_keys while results archives or backups made "
                + "before now are kept (results.retention_days)\n")
        #expect(!rotated.output.contains("rotate-me") && !rotated.errors.contains("rotate-me"))
        let again = try await CommandLineRunner.run(["keys", "rotate", "--config", config.path])
        #expect(
            again.output == "sealed 0 requests afresh with the current key\nno other key is in use: nothing to retire\n"
        )

        let reopened = try await SQLiteRequestStore.open(
            path: database, logger: GatewayHarness.quietLogger, subjectKeys: try SubjectKeys(current: newText))
        #expect(try await reopened.request(id: request.id)?.subject.customerId == "rotate-me")
        try await reopened.close()
    }
}
