import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import NIOPosix
import Operations
import Persistence
import ServiceLifecycle
import Testing
import TestSupport

/// The delivery service as the gateway runs it: one loop per route, so a hanging receiver delays no other route.
@Suite struct AlertNotificationServiceTests {
    @Test func aHangingSlackWebhookDelaysNoPage() async throws {
        try await AlertReceiver.with { receiver in
            try await TemporaryDatabase.with { database in
                let logger = GatewayHarness.quietLogger
                let store = try await SQLiteRequestStore.open(path: database.path, logger: logger)
                let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
                let clock = ManualWallClock(GatewayHarness.start)
                let metrics = GatewayMetrics()
                // A minute before a hanging send gives up: longer than this test needs.
                let notifier = AlertNotifier(
                    store: store, sender: AlertSender(httpClient: httpClient, timeout: 60),
                    destinations: receiver.destinations, source: "dsr-gateway", runbookBaseURL: nil, maxAttempts: 10,
                    metrics: metrics, clock: clock, logger: logger)
                @Sendable func queue(_ name: String) async throws {
                    let rule = try #require(DefaultAlertRules.rules.first { $0.name == name })
                    _ = try await store.acquireAlertLease(
                        holder: "test", until: clock.now.addingTimeInterval(90), at: clock.now)
                    try await notifier.save(
                        [], transitions: [AlertTransition(rule: rule, kind: .firing, value: 1, at: clock.now)],
                        holder: "test", at: clock.now)
                }
                @Sendable func count(_ route: String, _ outcome: String) -> Double {
                    MetricsText(metrics.exposition()).value(
                        MetricsCatalogue.alertNotifications.name, ["route": route, "outcome": outcome]) ?? -1
                }
                let services = ServiceGroup(
                    services: [
                        AlertNotificationService(notifier: notifier, routes: AlertRoute.allCases, logger: logger)
                    ],
                    gracefulShutdownSignals: [], logger: logger)
                async let running: Void = services.run()

                receiver.hold("/slack/")
                try await queue("HighLatency")
                try await GatewayHarness.eventually("Slack has the message and hangs") { receiver.waiting == 1 }
                // Queued while Slack hangs, the page still goes out, before Slack's attempt has ended either way.
                try await queue("DispatcherStalled")
                try await GatewayHarness.eventually("the page is delivered") { count("pagerduty", "delivered") == 1 }
                #expect(count("slack", "delivered") + count("slack", "retry") + count("slack", "failed") == 0)
                receiver.release()
                try await GatewayHarness.eventually("Slack answered") { count("slack", "delivered") == 1 }

                await services.triggerGracefulShutdown()
                try await running
                try await httpClient.shutdown()
                try await store.close()
            }
        }
    }
}
