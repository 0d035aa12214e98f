import Foundation

/// One alert rule's state as stored, so a restart neither re-notifies nor forgets.
package struct StoredAlertState: Sendable, Equatable {
    package var rule: String
    package var phase: String
    package var since: Date
    package var value: Double?

    package init(rule: String, phase: String, since: Date, value: Double?) {
        self.rule = rule
        self.phase = phase
        self.since = since
        self.value = value
    }
}

/// Where the alert evaluator keeps its states.
package protocol AlertStateStore: Sendable {
    func alertStates() async throws -> [StoredAlertState]
    /// Replaces every stored state with `states`, in one transaction.
    func saveAlertStates(_ states: [StoredAlertState]) async throws
}
