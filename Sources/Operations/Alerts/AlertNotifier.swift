import DSRCore
import Foundation
import BackgroundWork
import Logging
import OpenDSR
import Persistence

/// What became of one notification attempt, as `dsr_gateway_alert_notifications_total` counts it.
package enum AlertNotificationOutcome: String, Sendable, CaseIterable {
    case delivered, retry, failed
    /// The transition's route has no destination: nothing was queued.
    case unrouted
}

/// Turns transitions into outbox entries and delivers the outbox at least once: each due notification sent once per
/// pass, retried with exponential backoff (1 s doubling to 5 min, or the receiver's `Retry-After` when longer, up to
/// 5 min) until delivered, refused for good, or out of attempts. Every outcome is counted and logged (rule, route, event; never subject data).
/// It runs in its own service, so a slow or failing receiver never holds up request handling or evaluation.
package struct AlertNotifier: Sendable {
    let store: any AlertStateStore
    let sender: AlertSender
    let destinations: AlertDestinations
    let source: String
    let runbookBaseURL: String?
    let retry: RetryPolicy
    let metrics: GatewayMetrics
    let clock: any WallClock
    let logger: Logger

    package init(
        store: any AlertStateStore, sender: AlertSender, destinations: AlertDestinations, source: String,
        runbookBaseURL: String?, maxAttempts: Int, metrics: GatewayMetrics, clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.sender = sender
        self.destinations = destinations
        self.source = source
        self.runbookBaseURL = runbookBaseURL
        self.retry = RetryPolicy(baseDelay: 1, maxDelay: 300, maxAttempts: maxAttempts)
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    /// A delivery holds its notification this long; another instance may take it over afterwards.
    static let claimDuration: TimeInterval = 60

    /// Stores `states` and queues the notifications of `transitions` in one transaction, while `holder` holds the
    /// evaluator lease; a transition whose route reaches nowhere is counted and logged (once it is stored) instead.
    package func save(
        _ states: [AlertState], transitions: [AlertTransition], holder: String, at now: Date
    ) async throws {
        let encoder = JSONCoding.encoder()
        var entries: [NewAlertNotification] = []
        var unrouted: [AlertNotification] = []
        for transition in transitions {
            let notification = AlertNotification(transition, source: source, runbookBaseURL: runbookBaseURL)
            guard destinations.destination(for: notification.route) != nil,
                let content = try? encoder.encode(notification)
            else {
                unrouted.append(notification)
                continue
            }
            entries.append(
                NewAlertNotification(
                    route: notification.route.rawValue, dedupKey: notification.dedupKey,
                    content: String(decoding: content, as: UTF8.self)))
        }
        try await store.saveAlertStates(states, notifications: entries, holder: holder, at: now)
        for notification in unrouted {
            metrics.alertNotification(route: notification.route.rawValue, outcome: .unrouted)
            logger.warning("alert not sent: its route has no destination configured", metadata: metadata(notification))
        }
    }

    /// The route's due notifications one at a time, each claimed just before it is sent (so a claim never outlives
    /// its attempt), at most 20 a pass; returns how many it tried. An instance whose configuration has no
    /// destination for the route claims none, leaving them to one that has. Each route runs in its own loop (see
    /// `AlertNotificationService`), so a hanging webhook holds up no page.
    package func deliverDue(on route: AlertRoute) async throws -> Int {
        guard let destination = destinations.destination(for: route) else { return 0 }
        var tried = 0
        while tried < 20 {
            let now = clock.now
            guard
                let queued = try await store.claimDueAlertNotification(
                    route: route.rawValue, at: now, claimUntil: now.addingTimeInterval(Self.claimDuration))
            else { break }
            try await deliver(queued, to: destination)
            tried += 1
        }
        return tried
    }

    private func deliver(_ queued: QueuedAlertNotification, to destination: AlertDestination) async throws {
        guard
            let notification = try? JSONCoding.decoder().decode(AlertNotification.self, from: Data(queued.content.utf8))
        else {
            metrics.alertNotification(route: queued.route, outcome: .failed)
            logger.error("alert notification unreadable, dropped", metadata: ["alert.route": "\(queued.route)"])
            try await store.recordAlertDelivery(
                queued, outcome: .failed(error: "unreadable notification"), at: clock.now)
            return
        }
        let attempt = queued.attempts + 1
        let result = await sender.send(notification, to: destination, now: clock.now, logger: logger)
        var details = metadata(notification)
        details["alert.attempt"] = "\(attempt)"
        let outcome: AlertDeliveryOutcome
        switch result {
        case .delivered:
            outcome = .delivered
            metrics.alertNotification(route: queued.route, outcome: .delivered)
            logger.info("alert notification delivered", metadata: details)
        case .retryable(let reason, let retryAfter) where attempt < retry.maxAttempts:
            // The backoff's full cap (1 s, 2 s, 4 s … 5 min): one loop per route, no crowd of retries to spread out.
            // A receiver's Retry-After is honoured up to the same ceiling: everything for this rule waits on it.
            let delay = max(retry.delay(afterAttempt: attempt, random: 1), min(retryAfter ?? 0, retry.maxDelay))
            outcome = .retry(next: clock.now.addingTimeInterval(delay), error: reason)
            metrics.alertNotification(route: queued.route, outcome: .retry)
            details["error"] = "\(reason)"
            details["retry_in_seconds"] = "\(delay.wholeSecondsForDisplay)"
            logger.warning("alert notification failed, will retry", metadata: details)
        case .retryable(let reason, _), .rejected(let reason):
            outcome = .failed(error: reason)
            metrics.alertNotification(route: queued.route, outcome: .failed)
            details["error"] = "\(reason)"
            logger.error("alert notification failed for good", metadata: details)
        }
        try await store.recordAlertDelivery(queued, outcome: outcome, at: clock.now)
    }

    private func metadata(_ notification: AlertNotification) -> Logger.Metadata {
        [
            "alert.rule": "\(notification.rule)", "alert.route": "\(notification.route.rawValue)",
            "alert.event": "\(notification.kind.rawValue)", "alert.severity": "\(notification.severity.rawValue)",
        ]
    }
}
