import DSRCore
import Foundation
import Synchronization

/// Group commit for creations: each waits for the writer, and whoever gets it first writes every creation waiting
/// by then in one transaction, so under load one commit (one fsync) carries many requests.
///
/// `Prepared` is what an engine works out before the wait (sealed subjects, leaf hashes), so that the writer only
/// writes.
final class GroupCommit<Prepared: Sendable>: Sendable {
    private let waiting = Mutex<[PendingCreate<Prepared>]>([])

    init() {}

    /// Joins the next group; call before waiting for the writer.
    func enqueue(_ item: PendingCreate<Prepared>) {
        waiting.withLock { $0.append(item) }
    }

    /// Called holding the writer: `item`'s result, writing every waiting creation first (with `write`, which
    /// records each one's result) unless an earlier group already carried it.
    func carry(
        _ item: PendingCreate<Prepared>, write: ([PendingCreate<Prepared>]) async -> Void
    ) async throws -> CreateOutcome {
        if let done = item.result { return try done.get() }
        let group = waiting.withLock { items in
            defer { items.removeAll() }
            return items
        }
        await write(group)
        return try (item.result ?? .failure(StoreError(code: .corruptRow, column: "id"))).get()
    }
}

/// A creation waiting for the writer: the request, its audit entry, what was prepared for writing them, and once a
/// transaction has carried it, the result.
final class PendingCreate<Prepared: Sendable>: Sendable {
    let request: DSRRequest
    let audit: AuditEntry
    let prepared: Prepared
    private let outcome = Mutex<Result<CreateOutcome, any Error>?>(nil)

    init(request: DSRRequest, audit: AuditEntry, prepared: Prepared) {
        self.request = request
        self.audit = audit
        self.prepared = prepared
    }

    var result: Result<CreateOutcome, any Error>? {
        get { outcome.withLock { $0 } }
        set { outcome.withLock { $0 = newValue } }
    }
}

extension Collection {
    /// The outcome of each creation of a multi-row insert that returned `insertedIDs`: created when its id is among
    /// them (the first item with that id: a repeat of an id within the group was skipped), otherwise the stored request
    /// that made it skip, found by `conflicting` (the insert only skips on a uniqueness conflict, so there is one).
    func createOutcomes<Prepared>(
        insertedIDs: some Sequence<UUID>, conflicting: (DSRRequest) async throws -> DSRRequest?
    ) async throws -> (outcomes: [CreateOutcome], created: [Element]) where Element == PendingCreate<Prepared> {
        var unclaimed = Set(insertedIDs)
        var (outcomes, created): ([CreateOutcome], [Element]) = ([], [])
        for item in self {
            if unclaimed.remove(item.request.id) != nil {
                outcomes.append(.created(item.request))
                created.append(item)
            } else {
                guard let stored = try await conflicting(item.request) else {
                    throw StoreError(code: .corruptRow, column: "id")
                }
                outcomes.append(.existing(stored))
            }
        }
        return (outcomes, created)
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements: one multi-row statement each.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// Rows per multi-row insert of a group: 38 values each stays far below either engine's limit on parameters
/// (SQLite 32,766; PostgreSQL 65,535).
let groupRowsPerStatement = 200

/// `(?1, …, ?c), (?c+1, …, ?2c), …` (with `marker` "?" for SQLite, "$" for PostgreSQL): `rows` rows of `columns`
/// numbered parameters, for a multi-row `VALUES`.
func placeholderRows(_ rows: Int, columns: Int, marker: String) -> String {
    (0..<rows).map { row in
        "(" + (1...columns).map { "\(marker)\(row * columns + $0)" }.joined(separator: ", ") + ")"
    }.joined(separator: ", ")
}
