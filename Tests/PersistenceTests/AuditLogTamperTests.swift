import AuditLog
import DSRCore
import Foundation
import Logging
import Persistence
import Testing
import TestSupport
import Workers

/// The audit log catches what someone with the database file or server could do behind the gateway's back — drop the
/// append-only triggers, then edit, delete, insert, reorder or truncate rows, or rebuild the tail — and names the first
/// position it affects; the checkpointer refuses to seal over it. Both engines, real rows.
@Suite("Audit log: tampering is reported")
struct AuditLogTamperTests {
    private typealias F = RequestFixtures

    /// A log of 14 entries: checkpoints of 9 and 12 signed (and copied to `copies`), 2 entries written since.
    struct Sealed {
        let store: any GatewayStore
        let checkpointer: AuditCheckpointer
        let verifiers: [NoteVerifier]
        let copies: String

        func verify(withCopies: Bool = false) async throws -> AuditLogVerification.Report {
            let extra =
                try withCopies
                ? FileManager.default.contentsOfDirectory(atPath: copies).sorted().map {
                    AuditLogVerification.Source(
                        location: $0, note: try String(contentsOfFile: "\(copies)/\($0)", encoding: .utf8))
                } : []
            return try await AuditLogVerification(store: store, verifiers: verifiers, origin: "dsr-gateway.test/audit")
                .run(extra: extra)
        }
    }

    static func sealed(_ database: TestDatabase, _ body: (Sealed) async throws -> Void) async throws {
        let copies = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoints-\(UUID())").path
        try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: copies) }
        let keys = AuditSigningKeys(current: try NoteSigner(name: "dsr-gateway.test/audit"))
        try await database.withStore { store in
            let checkpointer = AuditCheckpointer(
                store: store, keys: keys,
                configuration: AuditCheckpointerConfiguration(origin: "dsr-gateway.test/audit", copyDirectory: copies),
                clock: SystemWallClock(), logger: .quiet)
            // 3 requests × (received, in progress, completed) = 9 entries.
            var ids: [UUID] = []
            for _ in 0..<3 {
                let request = try await store.create(F.request())
                ids.append(request.id)
                try await store.update(id: request.id, F.move(to: .inProgress, at: F.t0 + 1))
                try await store.update(id: request.id, F.move(to: .completed, at: F.t0 + 2))
            }
            #expect(try await checkpointer.seal()?.size == 9)
            for _ in 0..<3 { try await store.create(F.request()) }
            #expect(try await checkpointer.seal()?.size == 12)
            for _ in 0..<2 { try await store.create(F.request()) }
            try await body(
                Sealed(store: store, checkpointer: checkpointer, verifiers: keys.verifiers, copies: copies))
        }
    }

    /// SQL that lifts the append-only guard, as an attacker with the file or a superuser would.
    static func unguarded(_ engine: StoreEngine, _ statements: [String]) -> [String] {
        switch engine {
        case .sqlite:
            [
                "DROP TRIGGER IF EXISTS audit_entries_no_update", "DROP TRIGGER IF EXISTS audit_entries_no_delete",
                "DROP TRIGGER IF EXISTS audit_checkpoints_no_update",
                "DROP TRIGGER IF EXISTS audit_checkpoints_no_delete",
            ]
                + statements
        case .postgres:
            ["ALTER TABLE audit_entries DISABLE TRIGGER USER", "ALTER TABLE audit_checkpoints DISABLE TRIGGER USER"]
                + statements
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func anUntouchedLogVerifiesAndItsCheckpointsAreConsistent(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                let report = try await log.verify(withCopies: true)
                #expect(report.problems == [])
                #expect(report.entries == 14)
                #expect(report.checkpoints.map(\.checkpoint.size) == [9, 9, 12, 12])
                // The tail written since is sealed next, consistent with what came before.
                #expect(try await log.checkpointer.seal()?.size == 14)
                #expect(try await log.verify().problems == [])
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func anEditedEntryIsNamedAndNotSealedOver(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                try await database.execute(
                    Self.unguarded(
                        engine, ["UPDATE audit_entries SET detail = 'nothing happened' WHERE leaf_index = 4"]))
                let report = try await log.verify()
                #expect(report.firstBrokenPosition == 4)
                #expect(
                    report.problems.contains { $0.position == 4 && $0.message.contains("changed after it was written") }
                )
                // An edit in the unsealed tail stops the checkpointer from sealing it.
                try await database.execute(
                    Self.unguarded(engine, ["UPDATE audit_entries SET actor = 'operator' WHERE leaf_index = 13"]))
                await #expect(throws: AuditLogBroken.self) { try await log.checkpointer.seal() }
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func anEditWhoseStoredHashIsErasedOrForgedIsStillCaught(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                try await database.execute(
                    Self.unguarded(
                        engine,
                        [
                            "UPDATE audit_entries SET detail = 'nothing happened', leaf_hash = NULL WHERE leaf_index = 10"
                        ]))
                let erased = try await log.verify()
                // Named exactly, and the subtree of the checkpoint of 12 that holds it (8..<12) no longer matches.
                #expect(erased.firstBrokenPosition == 8)
                #expect(erased.problems.contains { $0.position == 10 && $0.message.contains("no leaf hash") })

                // Someone with this code can forge the new entry's leaf hash too: then only the sealed root says so,
                // placed in the subtree of the checkpoint of 12 that holds it (its frontier: 0..<8, 8..<12).
                var row = try #require(try await log.store.auditLogRows(from: 10, to: 11).first)
                row.entry.detail = "nothing happened"
                let hex = row.leafHash.map { String(format: "%02x", $0) }.joined()
                let literal = engine == .sqlite ? "X'\(hex)'" : "'\\x\(hex)'::bytea"
                try await database.execute(
                    Self.unguarded(engine, ["UPDATE audit_entries SET leaf_hash = \(literal) WHERE leaf_index = 10"]))
                let forged = try await log.verify()
                #expect(forged.firstBrokenPosition == 8)
                #expect(forged.problems.allSatisfy { $0.message.contains("differ from what the checkpoint") })
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aDeletedEntryIsNamed(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                try await database.execute(Self.unguarded(engine, ["DELETE FROM audit_entries WHERE leaf_index = 6"]))
                let report = try await log.verify()
                #expect(report.problems.contains { $0.position == 6 && $0.message.contains("missing") })
                // Without the sealed hashes nothing in the subtree that held it (0..<8) can be vouched for.
                #expect(report.firstBrokenPosition == 0)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func anInsertedEntryIsNamed(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                let request = try #require(try await log.store.list(states: nil, submittedBy: nil, limit: 1).first)
                let columns = "request_id, at, actor, event, detail"
                let values = "'\(request.subjectRequestId)', 0, 'operator', 'resolved', 'inserted'"
                try await database.execute([
                    "INSERT INTO audit_entries (\(columns), leaf_index) VALUES (\(values), 14)",
                    "INSERT INTO audit_entries (\(columns)) VALUES (\(values))",
                ])
                let report = try await log.verify()
                // Where the store's own bookkeeping let the row in (SQLite's trigger grows the log), it has no leaf
                // hash; where it did not (PostgreSQL), it lies beyond the log. Named at 14 either way.
                #expect(report.firstBrokenPosition == 14)
                #expect(report.problems.contains { $0.position == 14 })
                #expect(report.problems.contains { $0.message.contains("without a position") })
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func reorderedEntriesBreakTheSealedRoot(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                try await database.execute(
                    Self.unguarded(
                        engine,
                        [
                            "UPDATE audit_entries SET leaf_index = -1 WHERE leaf_index = 2",
                            "UPDATE audit_entries SET leaf_index = 2 WHERE leaf_index = 3",
                            "UPDATE audit_entries SET leaf_index = 3 WHERE leaf_index = -1",
                        ]))
                let report = try await log.verify()
                // Each row still matches its own hash; the checkpoint of 9 no longer matches its first 8 entries.
                #expect(report.firstBrokenPosition == 0)
                #expect(report.problems.contains { $0.message.contains("differ from what the checkpoint") })
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aTruncatedLogIsCaughtByTheCheckpointsAndWhenTheyAreDeletedTooOnlyByACopy(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                try await database.execute(
                    Self.unguarded(
                        engine,
                        [
                            "DELETE FROM audit_entries WHERE leaf_index >= 10", "UPDATE audit_log SET size = 10",
                        ]))
                let truncated = try await log.verify()
                #expect(truncated.firstBrokenPosition == 10)
                #expect(truncated.problems.contains { $0.message.contains("were removed") })

                // Deleting the checkpoint that covered the tail too hides it from the database alone …
                try await database.execute(
                    Self.unguarded(engine, ["DELETE FROM audit_checkpoints WHERE size = 12"]))
                #expect(try await log.verify().problems == [])
                // … but not from the copy kept elsewhere.
                let withCopies = try await log.verify(withCopies: true)
                #expect(withCopies.firstBrokenPosition == 10)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aRestoreFromABackupIsRecordedInTheNextSignedCheckpoint(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                // The database as a backup taken right after the checkpoint of 9 would bring it back.
                try await database.execute(
                    Self.unguarded(
                        engine,
                        [
                            "DELETE FROM audit_entries WHERE leaf_index >= 9", "UPDATE audit_log SET size = 9",
                            "DELETE FROM audit_checkpoints WHERE size > 9",
                        ]))
                #expect(try await log.verify(withCopies: true).firstBrokenPosition == 9)
                // The restored gateway carries on, but seals nothing until a person records the restore.
                for _ in 0..<4 { try await log.store.create(F.request()) }
                await #expect(throws: AuditLogBroken.self) { try await log.checkpointer.seal() }
                let sealed = try #require(try await log.checkpointer.seal(acknowledgingRestore: true))
                #expect(sealed.size == 13)
                #expect(sealed.note.contains("restored-from-backup: not part of this log: checkpoint 12 "))
                let report = try await log.verify(withCopies: true)
                #expect(report.problems == [])
                #expect(report.restores.count == 1 && report.restores[0].contains("checkpoint of 12"))
                // The old copy is kept, never overwritten.
                #expect(try FileManager.default.contentsOfDirectory(atPath: log.copies).count == 3)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func anAlteredCheckpointIsRefused(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await Self.sealed(database) { log in
                try await database.execute(
                    Self.unguarded(
                        engine,
                        [
                            "UPDATE audit_checkpoints SET note = REPLACE(note, '\n9\n', '\n8\n') WHERE size = 9"
                        ]))
                let report = try await log.verify()
                #expect(report.problems.contains { $0.message.contains("does not verify") })
                await #expect(throws: Never.self) { try await log.checkpointer.seal() }
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aRotatedKeySignsBesideTheOldOneUntilTheOverlapEnds(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let old = try NoteSigner(name: "dsr-gateway.test/audit")
            let new = try NoteSigner(name: "dsr-gateway.test/audit-2026")
            func checkpointer(_ keys: AuditSigningKeys) -> AuditCheckpointer {
                AuditCheckpointer(
                    store: store, keys: keys,
                    configuration: AuditCheckpointerConfiguration(origin: "dsr-gateway.test/audit"),
                    clock: SystemWallClock(), logger: .quiet)
            }
            func problems(_ verifiers: [NoteVerifier]) async throws -> [String] {
                try await AuditLogVerification(store: store, verifiers: verifiers, origin: "dsr-gateway.test/audit")
                    .run().problems.map(\.message)
            }
            try await store.create(F.request())
            try await checkpointer(AuditSigningKeys(current: old)).seal()
            // The overlap: the new key signs, the old one too.
            try await store.create(F.request())
            try await checkpointer(AuditSigningKeys(current: new, previous: old)).seal()
            #expect(try await problems([old.verifier]) == [])
            #expect(try await problems([old.verifier, new.verifier]) == [])
            // The first checkpoint predates the new key: an auditor keeps the old public key to check it.
            #expect(try await problems([new.verifier]).contains { $0.contains("not signed by a known audit key") })
        }
    }
}
