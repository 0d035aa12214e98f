import Foundation
import Persistence
import Testing

/// What every engine promises the alert evaluator: states round-trip, claimed notifications stay claimed, and the
/// evaluator lease is held by one instance at a time.
@Suite("AlertStateStore contract: states, outbox claims, evaluator lease")
struct AlertStateStoreContractTests {
    static let t0 = Date(timeIntervalSinceReferenceDate: 800_000_000)

    static func withAlertStore(_ engine: StoreEngine, _ body: (any AlertStateStore) async throws -> Void) async throws {
        try await engine.withStore { store in
            try await body(try #require(store as? any AlertStateStore))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func statesRoundTripAndClaimedNotificationsWaitForTheirClaimToEnd(engine: StoreEngine) async throws {
        try await Self.withAlertStore(engine) { store in
            let states = [
                AlertState(rule: "A", phase: .firing, since: Self.t0, value: 0.25, notifiedAt: Self.t0 + 60),
                AlertState(rule: "B", phase: .inactive, since: Self.t0, value: nil),
            ]
            let entry = NewAlertNotification(route: "pagerduty", dedupKey: "dsr-gateway/A", content: "{}")
            // Only the lease holder may write, and only while its lease lasts.
            await #expect(throws: AlertLeaseLostError.self) {
                try await store.saveAlertStates(states, notifications: [entry], holder: "one", at: Self.t0)
            }
            #expect(try await store.acquireAlertLease(holder: "one", until: Self.t0 + 90, at: Self.t0) == .taken)
            await #expect(throws: AlertLeaseLostError.self) {
                try await store.saveAlertStates(states, notifications: [entry], holder: "two", at: Self.t0)
            }
            #expect(try await store.alertStates().isEmpty)
            #expect(try await store.pendingAlertNotificationCount() == 0)
            try await store.saveAlertStates(states, notifications: [entry], holder: "one", at: Self.t0)
            #expect(try await store.alertStates() == states)
            await #expect(throws: AlertLeaseLostError.self) {
                try await store.saveAlertStates(states, notifications: [], holder: "one", at: Self.t0 + 90)
            }

            let claimed = try #require(
                try await store.claimDueAlertNotification(route: "pagerduty", at: Self.t0, claimUntil: Self.t0 + 60))
            #expect(claimed.dedupKey == "dsr-gateway/A")
            #expect(
                try await store.claimDueAlertNotification(route: "slack", at: Self.t0 + 999, claimUntil: Self.t0 + 1999)
                    == nil)
            #expect(
                try await store.claimDueAlertNotification(
                    route: "pagerduty", at: Self.t0 + 59, claimUntil: Self.t0 + 120)
                    == nil)
            // A claimer that died without a word: the notification comes back once the claim ends.
            let again = try await store.claimDueAlertNotification(
                route: "pagerduty", at: Self.t0 + 60, claimUntil: Self.t0 + 120)
            let second = try #require(again)
            #expect(second.id == claimed.id)
            // The first claimer's late word changes nothing while the second claim holds, nor once it recorded.
            try await store.recordAlertDelivery(claimed, outcome: .failed(error: "late"), at: Self.t0 + 61)
            #expect(try await store.pendingAlertNotificationCount() == 1)
            try await store.recordAlertDelivery(second, outcome: .delivered, at: Self.t0 + 62)
            try await store.recordAlertDelivery(
                claimed, outcome: .retry(next: Self.t0 + 63, error: "late"), at: Self.t0 + 63)
            #expect(try await store.pendingAlertNotificationCount() == 0)
            #expect(
                try await store.claimDueAlertNotification(
                    route: "pagerduty", at: Self.t0 + 999, claimUntil: Self.t0 + 1999)
                    == nil)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func theLeaseIsHeldByOneHolderUntilItExpiresOrIsReleased(engine: StoreEngine) async throws {
        try await Self.withAlertStore(engine) { store in
            #expect(try await store.acquireAlertLease(holder: "one", until: Self.t0 + 90, at: Self.t0) == .taken)
            #expect(
                try await store.acquireAlertLease(holder: "two", until: Self.t0 + 120, at: Self.t0 + 30)
                    == .heldByAnother)
            // The holder renews; the other waits until a renewal is missed.
            #expect(
                try await store.acquireAlertLease(holder: "one", until: Self.t0 + 120, at: Self.t0 + 30) == .renewed)
            #expect(
                try await store.acquireAlertLease(holder: "two", until: Self.t0 + 150, at: Self.t0 + 119)
                    == .heldByAnother)
            #expect(try await store.acquireAlertLease(holder: "two", until: Self.t0 + 210, at: Self.t0 + 120) == .taken)
            #expect(
                try await store.acquireAlertLease(holder: "one", until: Self.t0 + 240, at: Self.t0 + 150)
                    == .heldByAnother)
            // Released at shutdown, it is free at once.
            try await store.releaseAlertLease(holder: "two")
            #expect(try await store.acquireAlertLease(holder: "one", until: Self.t0 + 270, at: Self.t0 + 180) == .taken)
            // Renewed after it ran out, it counts as taken: someone may have held it in between.
            #expect(try await store.acquireAlertLease(holder: "one", until: Self.t0 + 400, at: Self.t0 + 300) == .taken)
        }
    }
}
