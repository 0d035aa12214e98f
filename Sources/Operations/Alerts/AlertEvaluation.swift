import Foundation
import Logging
import Persistence

/// One evaluation round as the gateway runs it every interval. The instance holding the store's evaluator lease logs
/// each transition (rule, severity, value — never subject data) and stores the changed states together with their
/// notifications, so a restart resumes where it stopped; any other instance on the same database only records
/// history and shows the holder's states, ready to take over once the lease runs out.
package struct AlertEvaluation: Sendable {
    let monitor: AlertMonitor
    let store: any AlertStateStore
    let notifier: AlertNotifier
    /// How long a taken lease lasts: three evaluation intervals.
    let leaseDuration: TimeInterval
    let logger: Logger
    /// This process's name in the lease.
    package let holder = UUID().uuidString

    package init(
        monitor: AlertMonitor, store: any AlertStateStore, notifier: AlertNotifier, interval: TimeInterval,
        logger: Logger
    ) {
        self.monitor = monitor
        self.store = store
        self.notifier = notifier
        leaseDuration = 3 * interval
        self.logger = logger
    }

    /// One round over `metrics`, scraped at `now`.
    package func evaluate(_ metrics: MetricsText, at now: Date) async throws {
        let transitions = monitor.evaluate(metrics, at: now)
        guard try await store.acquireAlertLease(holder: holder, until: now.addingTimeInterval(leaseDuration), at: now)
        else {
            monitor.adopt(try await store.alertStates())
            return
        }
        for transition in transitions {
            logger.log(
                level: transition.kind == .resolved ? .notice : .warning, "alert \(transition.kind.rawValue)",
                metadata: [
                    "alert.rule": "\(transition.rule.name)",
                    "alert.severity": "\(transition.rule.severity.rawValue)",
                    "alert.route": "\(transition.rule.route.rawValue)",
                    "alert.value": "\(transition.value.map { String($0) } ?? "none")",
                ])
        }
        // A failed write keeps the changes for the next round: a transition is never dropped unnotified.
        if let changes = monitor.unsavedChanges() {
            try await store.saveAlertStates(
                changes.states, notifications: notifier.outboxEntries(for: changes.transitions), at: now)
            monitor.saved(changes.states, transitions: changes.transitions.count)
        }
    }

    /// Lets the next instance take over at once (graceful shutdown).
    package func releaseLease() async {
        try? await store.releaseAlertLease(holder: holder)
    }
}
