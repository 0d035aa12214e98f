import DSRCore
import Logging
import ServiceLifecycle
import BackgroundWork

/// Delivers the alert notification outbox: one loop per route with a destination, each every second sending
/// everything due (see ``AlertNotifier``), so one route's hanging receiver delays no other. Says at start-up which
/// routes reach somewhere, and warns when none does.
package struct AlertNotificationService: Service {
    let notifier: AlertNotifier
    let routes: [AlertRoute]
    let clock: any WallClock
    let logger: Logger

    package init(notifier: AlertNotifier, routes: [AlertRoute], clock: any WallClock, logger: Logger) {
        self.notifier = notifier
        self.routes = routes
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        if routes.isEmpty {
            logger.warning(
                "alert notifications are off: set alerts.pagerduty.routing_key and/or alerts.slack.webhook_url")
            // Nothing to deliver, but a service that returns early would stop the whole gateway.
            try? await gracefulShutdown()
            return
        }
        logger.info("alert routes", metadata: ["alert.routes": "\(routes.map(\.rawValue).joined(separator: ","))"])
        await withDiscardingTaskGroup { group in
            for route in routes {
                group.addTask {
                    await repeatUntilShutdown(every: 1, on: clock.timer, name: "alert notifications", logger: logger) {
                        try await notifier.deliverDue(on: route) > 0
                    }
                }
            }
        }
    }
}
