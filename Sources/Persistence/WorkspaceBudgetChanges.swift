import DSRCore
import Foundation
import Synchronization

/// Changes of the workspace budget made together: every change waiting when this instance's writer comes free is
/// applied, in arrival order, in one transaction on the budget's row. Every processor call asks the budget first, a
/// dispatcher pass asks for a batch at once, and the budget is one row for the whole fleet: one transaction per call
/// had each instance keep a queue of connections waiting on that row's lock, away from the requests they serve.
final class WorkspaceBudgetChanges: Sendable {
    /// A change waiting for the writer, and once a transaction has carried it, how that went.
    private final class Pending: Sendable {
        let now: Date
        let apply: @Sendable (inout WorkspaceBudget, Date) -> Void
        let outcome = Mutex<Result<Void, any Error>?>(nil)

        init(now: Date, apply: @escaping @Sendable (inout WorkspaceBudget, Date) -> Void) {
            self.now = now
            self.apply = apply
        }
    }

    private let waiting = Mutex<[Pending]>([])
    private let writer = AsyncSerialGate()

    init() {}

    /// `change`'s result once a transaction has applied it. `write` runs the transaction for a group: it gets the
    /// group's latest `now` (the ledger's clock where the engine has none of its own) and the group's changes, to apply
    /// to the stored budget as one.
    func apply<T: Sendable>(
        at now: Date, _ change: @escaping @Sendable (inout WorkspaceBudget, Date) -> T,
        write:
            @escaping @Sendable (Date, @escaping @Sendable (inout WorkspaceBudget, Date) -> Void) async throws -> Void
    ) async throws -> T {
        let result = Mutex<T?>(nil)
        let item = Pending(now: now) { budget, ledgerNow in
            let value = change(&budget, ledgerNow)
            result.withLock { $0 = value }
        }
        waiting.withLock { $0.append(item) }
        await writer.withLock {
            guard item.outcome.withLock({ $0 == nil }) else { return }
            let group = waiting.withLock { items in
                defer { items.removeAll() }
                return items
            }
            let outcome: Result<Void, any Error>
            do {
                try await write(group.map(\.now).max() ?? now) { budget, ledgerNow in
                    for pending in group { pending.apply(&budget, ledgerNow) }
                }
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            for pending in group { pending.outcome.withLock { $0 = outcome } }
        }
        try item.outcome.withLock { $0 ?? .failure(StoreError(code: .corruptRow, column: "budget")) }.get()
        guard let value = result.withLock({ $0 }) else { throw StoreError(code: .corruptRow, column: "budget") }
        return value
    }
}
