import DSRCore
import GatewayApp
import Operations
import ServiceLifecycle
import Testing
import TestSupport

/// The delivery service as the gateway runs it: one loop per route, so a hanging receiver delays no other route.
@Suite struct AlertNotificationServiceTests {
    @Test func aHangingSlackWebhookDelaysNoPage() async throws {
        // A minute before a hanging send gives up: longer than this test needs.
        try await AlertNotifierHarness.with(senderTimeout: 60) { harness, receiver in
            let logger = GatewayHarness.quietLogger
            let services = ServiceGroup(
                services: [
                    AlertNotificationService(
                        notifier: harness.notifier, routes: AlertRoute.allCases, clock: SystemWallClock(),
                        logger: logger)
                ],
                gracefulShutdownSignals: [], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await services.run() }
                receiver.hold("/slack/")
                try await harness.queue("HighLatency", .firing)
                try await GatewayHarness.eventually("Slack has the message and hangs") { receiver.waiting == 1 }
                // Queued while Slack hangs, the page still goes out, before Slack's attempt has ended either way.
                try await harness.queue("DispatcherStalled", .firing)
                try await GatewayHarness.eventually("the page is delivered") {
                    harness.count(.pagerDuty, .delivered) == 1
                }
                #expect(
                    harness.count(.slack, .delivered) + harness.count(.slack, .retry) + harness.count(.slack, .failed)
                        == 0)
                receiver.release()
                try await GatewayHarness.eventually("Slack answered") { harness.count(.slack, .delivered) == 1 }
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }
}
