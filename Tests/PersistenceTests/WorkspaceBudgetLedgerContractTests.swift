import DSRCore
import Foundation
import Persistence
import Testing

/// The ledger every instance keeps the workspace budget in, on both engines: changes are atomic across instances,
/// the budget outlives the process, and on PostgreSQL the clock is the database's.
@Suite struct WorkspaceBudgetLedgerContractTests {
    @Test(arguments: StoreEngine.allCases)
    func changesFromSeveralInstancesAtOnceAreNeverLostOrMixedUp(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            // A fleet shares PostgreSQL; SQLite is one instance's file (several stores on it in one process would
            // wait for each other's locks on the shared blocking threads, stalling every other test).
            var stores: [any GatewayStore] = []
            for _ in 0..<(engine == .postgres ? 3 : 1) { stores.append(try await database.open()) }
            let now = Date()
            // Sixty changes at once, each reading the count and writing it plus one: each caller gets the count its
            // own change saw, and no two saw the same.
            let seen = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<60 {
                    let store = stores[index % stores.count]
                    group.addTask {
                        try await store.changeWorkspaceBudget(at: now) { budget, _ in
                            defer { budget.submissionsToday += 1 }
                            return budget.submissionsToday
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(seen.sorted() == Array(0..<60))
            let count = try await stores[0].changeWorkspaceBudget(at: now) { budget, _ in budget.submissionsToday }
            #expect(count == 60)
            for store in stores { try await store.close() }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func theBudgetOutlivesTheStoreAndReadsBackAsWritten(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            let now = Date(timeIntervalSinceReferenceDate: 786_000_000.123_456)
            var written = WorkspaceBudget()
            written.permits = (0..<1000).map { now.addingTimeInterval(Double($0) / 7) }
            written.pausedUntil = now.addingTimeInterval(30)
            written.usage = UsageReading(percent: 83, at: now)
            written.submissionsDay = 20_000
            written.submissionsToday = 79_999
            let first = try await database.open()
            try await first.changeWorkspaceBudget(at: now) { [written] budget, _ in budget = written }
            try await first.close()
            let second = try await database.open()
            let read = try await second.changeWorkspaceBudget(at: now) { budget, _ in budget }
            #expect(read == written)
            try await second.close()
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func theClockIsTheCallersOnSQLiteAndTheDatabasesOnPostgreSQL(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let skewed = Date().addingTimeInterval(-3600)
            let seen = try await store.changeWorkspaceBudget(at: skewed) { _, now in now }
            switch engine {
            case .sqlite: #expect(seen == skewed)
            case .postgres: #expect(abs(seen.timeIntervalSinceNow) < 60)
            }
        }
    }
}
