import DSRCore
import Foundation
import Logging
import Operations
import ServiceLifecycle
import Workers

/// Runs an ``AlertEvaluation`` round every `interval` seconds against a fresh scrape, on the injected clock; gives the
/// evaluator lease up at graceful shutdown.
struct AlertEvaluationService: Service {
    let evaluation: AlertEvaluation
    let sampler: MetricsSampler
    let interval: TimeInterval
    let clock: any WallClock
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval, name: "alerts", logger: logger) {
            try await evaluation.evaluate(MetricsText(try await sampler.exposition()), at: clock.now)
            return false
        }
        await evaluation.releaseLease()
    }
}

/// Delivers the alert notification outbox: one loop per route with a destination, each every second sending
/// everything due (see ``AlertNotifier``), so one route's hanging receiver delays no other. Says at start-up which
/// routes reach somewhere, and warns when none does.
package struct AlertNotificationService: Service {
    let notifier: AlertNotifier
    let routes: [AlertRoute]
    let logger: Logger

    package init(notifier: AlertNotifier, routes: [AlertRoute], logger: Logger) {
        self.notifier = notifier
        self.routes = routes
        self.logger = logger
    }

    package func run() async throws {
        if routes.isEmpty {
            logger.warning(
                "alert notifications are off: set alerts.pagerduty.routing_key and/or alerts.slack.webhook_url")
            // Nothing to deliver, but a service that returns early would stop the whole gateway.
            try? await gracefulShutdown()
            return
        } else {
            logger.info("alert routes", metadata: ["alert.routes": "\(routes.map(\.rawValue).joined(separator: ","))"])
        }
        await withDiscardingTaskGroup { group in
            for route in routes {
                group.addTask {
                    await repeatUntilShutdown(every: 1, name: "alert notifications", logger: logger) {
                        try await notifier.deliverDue(on: route) > 0
                    }
                }
            }
        }
    }
}
