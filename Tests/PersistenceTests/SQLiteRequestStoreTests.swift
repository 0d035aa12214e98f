import DSRCore
import Foundation
import Persistence
import EmbeddedSQLite
import Testing
import TestSupport

/// What only the SQLite engine does: file layout, migrations, schema guards and typed errors.
@Suite("SQLiteRequestStore")
struct SQLiteRequestStoreTests {
    private typealias F = RequestFixtures

    /// Runs `body` with a store and, on the same file, a raw connection that can write what the store never would.
    private func withStoreAndRawConnection(
        _ body: (SQLiteRequestStore, SQLiteConnection, String) async throws -> Void
    ) async throws {
        try await TemporaryDatabase.with { database in
            let store = try await SQLiteRequestStore.open(path: database.path, logger: .quiet)
            let raw = try await SQLiteConnection.open(path: database.path)
            do {
                try await body(store, raw, database.path)
            } catch {
                try? await raw.close()
                try? await store.close()
                throw error
            }
            try await raw.close()
            try await store.close()
        }
    }

    @Test func reopeningAppliesEachMigrationOnce() async throws {
        try await TemporaryDatabase.with { database in
            for _ in 0..<3 {
                let store = try await SQLiteRequestStore.open(path: database.path, logger: .quiet)
                #expect(try await store.schemaVersion() == SQLiteRequestStore.latestSchemaVersion)
                try await store.close()
            }
        }
    }

    @Test func writesGoThroughTheWriteAheadLog() async throws {
        try await withStoreAndRawConnection { store, raw, path in
            try await store.create(F.request())
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            let mode = try await raw.query("PRAGMA journal_mode").first?.column("journal_mode")
            #expect(mode == .text("wal"))
        }
    }

    @Test func anUnknownStoredValueIsATypedErrorWithoutSubjectData() async throws {
        try await withStoreAndRawConnection { store, raw, _ in
            let request = try await store.create(F.request())
            _ = try await raw.query(
                "UPDATE requests SET state = 'archived' WHERE id = ?1", [.text(request.subjectRequestId)]
            )
            let error = await #expect(throws: StoreError.self) { try await store.request(id: request.id) }
            #expect(error == StoreError(code: .unknownValue, column: "state"))
            #expect(!String(describing: error).contains(request.subject.customerId))
            #expect(!String(describing: error).contains("archived"))
        }
    }

    @Test func theAuditTrailCannotBeRewritten() async throws {
        try await withStoreAndRawConnection { store, raw, _ in
            let request = try await store.create(F.request())
            await #expect(throws: SQLiteError.self) {
                _ = try await raw.query("UPDATE audit_entries SET event = 'rewritten'")
            }
            await #expect(throws: SQLiteError.self) { _ = try await raw.query("DELETE FROM audit_entries") }
            #expect(try await store.auditTrail(id: request.id) == [F.accepted(request)])
        }
    }

    @Test func finishedAlertNotificationsAreDeletedAfterRetentionPendingOnesNever() async throws {
        try await withStoreAndRawConnection { store, raw, _ in
            let t0 = Date(timeIntervalSinceReferenceDate: 800_000_000)
            let entry = NewAlertNotification(route: "slack", dedupKey: "dsr-gateway/A", content: "{}")
            #expect(try await store.acquireAlertLease(holder: "test", until: t0 + 90, at: t0) == .taken)
            try await store.saveAlertStates([], notifications: [entry, entry], holder: "test", at: t0)
            let first = try #require(
                try await store.claimDueAlertNotification(route: "slack", at: t0, claimUntil: t0 + 60))
            try await store.recordAlertDelivery(first, outcome: .delivered, at: t0 + 1)
            @Sendable func rows() async throws -> Int {
                try await raw.query("SELECT COUNT(*) AS n FROM alert_notifications").first?.column("n")?.integer ?? -1
            }
            try await store.deleteFinishedAlertNotifications(before: t0 + 1)
            #expect(try await rows() == 2)
            try await store.deleteFinishedAlertNotifications(before: t0 + 2)
            #expect(try await rows() == 1)
            try await store.deleteFinishedAlertNotifications(before: t0 + 999_999)
            #expect(try await rows() == 1)
        }
    }

    @Test func aFileMigratedByANewerBuildIsRefused() async throws {
        try await TemporaryDatabase.with { database in
            let store = try await SQLiteRequestStore.open(path: database.path, logger: .quiet)
            try await store.close()
            let raw = try await SQLiteConnection.open(path: database.path)
            _ = try await raw.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
            try await raw.close()
            await #expect(throws: StoreError(code: .schemaTooNew)) {
                try await SQLiteRequestStore.open(path: database.path, logger: .quiet)
            }
        }
    }

    @Test func aClosedStoreRefusesWork() async throws {
        try await TemporaryDatabase.with { database in
            let store = try await SQLiteRequestStore.open(path: database.path, logger: .quiet)
            try await store.close()
            try await store.close()
            await #expect(throws: StoreError(code: .closed)) { try await store.request(id: UUID()) }
        }
    }

    @Test func openingInAMissingDirectoryFails() async throws {
        try await TemporaryDatabase.with { database in
            await #expect(throws: SQLiteError.self) {
                try await SQLiteRequestStore.open(path: database.path + "-missing/db.sqlite", logger: .quiet)
            }
        }
    }
}
