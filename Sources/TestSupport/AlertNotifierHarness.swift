import AsyncHTTPClient
import DSRCore
import Foundation
import NIOPosix
import Operations
import Persistence

/// An ``AlertNotifier`` on a fresh SQLite file whose every route leads to a loopback ``AlertReceiver``, on a manual
/// clock, with its metrics and logs to look at; everything closed afterwards, also when the test fails.
package struct AlertNotifierHarness: Sendable {
    package let store: SQLiteRequestStore
    package let clock = ManualWallClock(GatewayHarness.start)
    package let metrics = GatewayMetrics()
    package let logs = CapturedLogs()
    package let sender: AlertSender
    package let notifier: AlertNotifier

    /// Runs `body` with a receiver and a notifier; `senderTimeout` bounds each send, `destinations` replaces the
    /// receiver's.
    package static func with(
        maxAttempts: Int = 10, senderTimeout: TimeInterval = 5,
        destinations: (@Sendable (AlertReceiver) -> AlertDestinations)? = nil,
        _ body: @Sendable (AlertNotifierHarness, AlertReceiver) async throws -> Void
    ) async throws {
        try await AlertReceiver.with { receiver in
            try await TemporaryDatabase.with { database in
                let store = try await SQLiteRequestStore.open(path: database.path, logger: GatewayHarness.quietLogger)
                let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
                let harness = AlertNotifierHarness(
                    store: store, sender: AlertSender(httpClient: httpClient, timeout: senderTimeout),
                    destinations: destinations?(receiver) ?? receiver.destinations, maxAttempts: maxAttempts)
                do {
                    try await body(harness, receiver)
                } catch {
                    try? await httpClient.shutdown()
                    try? await store.close()
                    throw error
                }
                try await httpClient.shutdown()
                try await store.close()
            }
        }
    }

    private init(
        store: SQLiteRequestStore, sender: AlertSender, destinations: AlertDestinations, maxAttempts: Int
    ) {
        self.store = store
        self.sender = sender
        notifier = AlertNotifier(
            store: store, sender: sender, destinations: destinations, source: "dsr-gateway", runbookBaseURL: nil,
            maxAttempts: maxAttempts, metrics: metrics, clock: clock, logger: logs.logger())
    }

    /// Queues the notification of `kind` for the default rule `name`, as an evaluation round would.
    package func queue(_ name: String, _ kind: AlertTransition.Kind) async throws {
        guard let rule = DefaultAlertRules.rules.first(where: { $0.name == name }) else {
            throw HarnessError(what: "no default rule named \(name)")
        }
        _ = try await store.acquireAlertLease(holder: "test", until: clock.now.addingTimeInterval(90), at: clock.now)
        try await notifier.save(
            [], transitions: [AlertTransition(rule: rule, kind: kind, value: 1, at: clock.now)], holder: "test",
            at: clock.now)
    }

    /// One delivery pass over every route, one route after another; how many were tried.
    package func deliverDue() async throws -> Int {
        var tried = 0
        for route in AlertRoute.allCases { tried += try await notifier.deliverDue(on: route) }
        return tried
    }

    /// `dsr_gateway_alert_notifications_total` for `route` and `outcome` (-1 when the series is missing).
    package func count(_ route: AlertRoute, _ outcome: AlertNotificationOutcome) -> Double {
        MetricsText(metrics.exposition()).value(
            MetricsCatalogue.alertNotifications.name, ["route": route.rawValue, "outcome": outcome.rawValue]) ?? -1
    }
}
