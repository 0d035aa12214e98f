import Foundation

/// Where one alert rule stands; stored, so a restart neither re-notifies nor forgets.
package struct AlertState: Sendable, Equatable {
    package enum Phase: String, Sendable {
        /// Not breached.
        case inactive
        /// Breached, for less than the rule's `for`.
        case pending
        /// Breached for at least `for`: notified.
        case firing
    }

    package var rule: String
    package var phase: Phase
    /// When the current phase began.
    package var since: Date
    /// The last value computed (nil when there was nothing to compute from).
    package var value: Double?
    /// While firing: when it was last notified (the trigger, then each repeat).
    package var notifiedAt: Date?

    package init(rule: String, phase: Phase, since: Date, value: Double?, notifiedAt: Date? = nil) {
        self.rule = rule
        self.phase = phase
        self.since = since
        self.value = value
        self.notifiedAt = notifiedAt
    }
}

/// A notification to deliver, as the evaluator hands it over: the store keeps `content` opaque.
package struct NewAlertNotification: Sendable, Equatable {
    package var route: String
    /// Notifications with the same route and key are delivered in order (a resolve never overtakes its trigger).
    package var dedupKey: String
    package var content: String

    package init(route: String, dedupKey: String, content: String) {
        self.route = route
        self.dedupKey = dedupKey
        self.content = content
    }
}

/// A notification waiting in the outbox.
package struct QueuedAlertNotification: Sendable, Equatable {
    package var id: Int64
    package var route: String
    package var dedupKey: String
    package var content: String
    /// Attempts made before this one.
    package var attempts: Int
    package var createdAt: Date
    /// Until when this claim holds it; also the token that records the attempt (a stale claim's record is ignored).
    package var claimedUntil: Date
}

/// What asking for the evaluator lease came to.
package enum AlertLease: Sendable, Equatable {
    /// Still ours: it had not expired since the last renewal.
    case renewed
    /// Ours now, but not a moment ago (first round, taken over, or renewed too late): another instance may have
    /// stored newer states meanwhile.
    case taken
    /// Another instance holds it.
    case heldByAnother

    package var held: Bool { self != .heldByAnother }
}

/// What became of one delivery attempt.
package enum AlertDeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Try again at `next`.
    case retry(next: Date, error: String)
    /// Given up: refused for good, or out of attempts.
    case failed(error: String)
}

extension AlertDeliveryOutcome {
    /// How an outbox row records it: its status, the next attempt (a retry) and the error.
    var stored: (status: String, next: Date?, error: String?) {
        switch self {
        case .delivered: ("delivered", nil, nil)
        case .retry(let next, let error): ("pending", next, error)
        case .failed(let error): ("failed", nil, error)
        }
    }
}

/// The evaluator lease passed to another instance before this one could store its round.
package struct AlertLeaseLostError: Error, CustomStringConvertible {
    package init() {}

    package var description: String { "the evaluator lease passed to another instance; nothing stored" }
}

/// Where the alert evaluator keeps its states, its notification outbox and the lease that lets one instance evaluate.
package protocol AlertStateStore: Sendable {
    func alertStates() async throws -> [AlertState]
    /// Replaces every stored state with `states` and queues `notifications`, in one transaction: a transition is never
    /// stored without its notification, nor notified without being stored. The notifications are due at `now`.
    /// Only while `holder` holds the evaluator lease (checked in the same transaction): an instance that stalled past
    /// its lease gets ``AlertLeaseLostError`` and writes nothing over its successor's states.
    func saveAlertStates(
        _ states: [AlertState], notifications: [NewAlertNotification], holder: String, at now: Date
    ) async throws
    /// The route's oldest due notification that is the first undelivered one of its dedup key, claimed until
    /// `claimUntil` so no other instance sends it meanwhile; nil when none is due.
    func claimDueAlertNotification(route: String, at now: Date, claimUntil: Date) async throws
        -> QueuedAlertNotification?
    /// Records the attempt made under `claim` (a late record of a claim that expired and was taken again, or of a
    /// notification already finished, changes nothing).
    func recordAlertDelivery(_ claim: QueuedAlertNotification, outcome: AlertDeliveryOutcome, at now: Date) async throws
    /// Deletes delivered and given-up notifications finished before `date`.
    func deleteFinishedAlertNotifications(before date: Date) async throws
    /// Notifications not yet delivered nor given up.
    func pendingAlertNotificationCount() async throws -> Int
    /// Takes or renews the evaluator lease until `until` for `holder` when it is free, expired, or already its own.
    /// With several instances on one database only the holder evaluates and queues notifications.
    func acquireAlertLease(holder: String, until: Date, at now: Date) async throws -> AlertLease
    /// Gives the lease up (at graceful shutdown) so the next instance need not wait for it to expire.
    func releaseAlertLease(holder: String) async throws
}
