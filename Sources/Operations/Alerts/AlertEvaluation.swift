import Foundation
import Logging
import Persistence

/// One evaluation round as the gateway runs it every interval. The instance holding the store's evaluator lease logs
/// each transition (rule, severity, value — never subject data) and stores the changed states together with their
/// notifications, so a restart resumes where it stopped; any other instance on the same database only records
/// history and shows the holder's states. Taking the lease over, an instance first reads what the last holder stored,
/// so a hand-over neither repeats nor drops a transition.
package struct AlertEvaluation: Sendable {
    let monitor: AlertMonitor
    let store: any AlertStateStore
    let notifier: AlertNotifier
    /// Seconds between rounds; a taken lease lasts three.
    package let interval: TimeInterval
    let logger: Logger
    /// This process's name in the lease.
    package let holder = UUID().uuidString
    /// Finished notifications are kept this long, then deleted.
    static let notificationRetention: TimeInterval = 30 * 86_400

    package init(
        monitor: AlertMonitor, store: any AlertStateStore, notifier: AlertNotifier, interval: TimeInterval,
        logger: Logger
    ) {
        self.monitor = monitor
        self.store = store
        self.notifier = notifier
        self.interval = interval
        self.logger = logger
    }

    /// One round over `metrics`, scraped at `now`.
    package func evaluate(_ metrics: MetricsText, at now: Date) async throws {
        let lease = try await store.acquireAlertLease(
            holder: holder, until: now.addingTimeInterval(3 * interval), at: now)
        // Not held a moment ago (first round, taken over, renewed too late): start from what the store holds, which
        // may be newer than this instance's copy.
        if lease == .taken {
            do {
                monitor.adopt(try await store.alertStates())
            } catch {
                // Let it go, so the next round takes it afresh and reads again instead of renewing a stale copy.
                await releaseLease()
                throw error
            }
        }
        let transitions = monitor.evaluate(metrics, at: now)
        guard lease.held else {
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
        // A failed write keeps the changes for the next round: a transition is never dropped unnotified. A lease
        // lost meanwhile (this instance stalled past it) leaves the round to the new holder.
        if let changes = monitor.unsavedChanges() {
            do {
                try await notifier.save(changes.states, transitions: changes.transitions, holder: holder, at: now)
            } catch is AlertLeaseLostError {
                monitor.adopt(try await store.alertStates())
                logger.notice("alert evaluator lease passed to another instance")
                return
            }
            monitor.saved(changes.states, transitions: changes.transitions.count)
        }
        try await store.deleteFinishedAlertNotifications(before: now.addingTimeInterval(-Self.notificationRetention))
    }

    /// Lets the next instance take over at once (graceful shutdown).
    package func releaseLease() async {
        try? await store.releaseAlertLease(holder: holder)
    }
}
