import DSRCore
import Foundation
import Persistence
import Testing

/// Rolling back across a migration: the previous release starts on a schema its successor migrated, as long as that
/// schema's compatibility window still admits it; a contract step closes the window.
@Suite("Schema compatibility window")
struct SchemaCompatibilityTests {
    private typealias F = RequestFixtures

    /// The engine's own migrations and a next step, expand-only or contract.
    static func withNextStep(_ engine: StoreEngine, contract: Bool) -> (current: [Migration], next: [Migration]) {
        let current = engine == .sqlite ? SQLiteRequestStore.migrations : PostgresRequestStore.migrations
        let last = current.last!
        let step = Migration(
            version: last.version + 1, name: contract ? "a contract step" : "an expand step",
            statements: ["CREATE TABLE next_release_notes (id INTEGER PRIMARY KEY)"],
            oldestCompatible: contract ? last.version + 1 : last.oldestCompatible)
        return (current, current + [step])
    }

    @Test(arguments: StoreEngine.allCases)
    func thePreviousReleaseRunsOnASchemaAnExpandStepMigrated(engine: StoreEngine) async throws {
        let (current, next) = Self.withNextStep(engine, contract: false)
        try await engine.withDatabase { database in
            let upgraded = try await database.open(migrations: next)
            let request = try await upgraded.create(F.request())
            try await upgraded.close()
            // The rollback: this release knows one step less, and still reads and writes.
            let rolledBack = try await database.open(migrations: current)
            #expect(try await rolledBack.request(id: request.id) == request)
            let second = try await rolledBack.create(F.request())
            #expect(try await rolledBack.request(id: second.id) == second)
            try await rolledBack.close()
            // And the next release starts on it again without migrating twice.
            let again = try await database.open(migrations: next)
            #expect(try await again.request(id: second.id) == second)
            try await again.close()
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aContractStepRefusesTheReleasesItLeftBehind(engine: StoreEngine) async throws {
        let (current, next) = Self.withNextStep(engine, contract: true)
        try await engine.withDatabase { database in
            try await database.open(migrations: next).close()
            await #expect(throws: StoreError(code: .schemaTooNew)) {
                try await database.open(migrations: current)
            }
        }
    }

    /// What `requests list|show` do: a newer release reading a database its gateway has not migrated yet is refused,
    /// and changes nothing; on a database at its schema it reads.
    @Test(arguments: StoreEngine.allCases)
    func aReadOnlyOpenNeverMigrates(engine: StoreEngine) async throws {
        let (current, next) = Self.withNextStep(engine, contract: false)
        try await engine.withDatabase { database in
            let running = try await database.open(migrations: current)
            let request = try await running.create(F.request())
            try await running.close()
            await #expect(throws: StoreError(code: .schemaTooOld)) {
                try await database.open(migrations: next, migrating: false)
            }
            let reader = try await database.open(migrations: current, migrating: false)
            #expect(try await reader.request(id: request.id) == request)
            try await reader.close()
            // The refused open applied nothing: the next release's gateway still finds its step to apply, once.
            let upgraded = try await database.open(migrations: next)
            try await upgraded.close()
            try await database.open(migrations: next, migrating: false).close()
        }
    }

    /// The migration that scoped idempotency keys to their API key rewrites the keys stored before it, so a client's
    /// retry after the upgrade still finds its request.
    @Test(arguments: StoreEngine.allCases)
    func idempotencyKeysStoredBeforeTheyWereScopedStillFindTheirRequest(engine: StoreEngine) async throws {
        let all = engine == .sqlite ? SQLiteRequestStore.migrations : PostgresRequestStore.migrations
        let scoping = try #require(all.first { $0.name.hasPrefix("idempotency keys belong") })
        try await engine.withDatabase { database in
            // The schema as it was, and a request stored by the release before (this release writes more columns).
            try await database.open(migrations: all.filter { $0.version < scoping.version }).close()
            let request = F.request()
            try await database.execute([
                """
                INSERT INTO requests (id, regulation, type, source, state, subject_customer_id, received_at, deadline,
                    attempts, updated_at, result_attempts, attributes_attempts, idempotency_key, principal)
                VALUES ('\(request.subjectRequestId)', 'gdpr', 'erasure', 'api', 'queued', 'c', 0, 0, 0, 0, 0, 0,
                    'order-7', 'support-tool')
                """
            ])
            let after = try await database.open(migrations: all)
            var retry = F.request(idempotencyKey: DSRRequest.scopedIdempotencyKey("order-7", principal: "support-tool"))
            retry.principal = "support-tool"
            retry.subject = SubjectIdentity(customerId: "c")
            guard case .existing(let found) = try await after.create(retry, audit: F.accepted(retry)) else {
                Issue.record("the retry created a second request")
                return
            }
            #expect(found.id == request.id)
            try await after.close()
        }
    }
}
