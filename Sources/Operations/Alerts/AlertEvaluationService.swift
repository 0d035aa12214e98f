import DSRCore
import Foundation
import Logging
import ServiceLifecycle
import BackgroundWork

/// Runs an ``AlertEvaluation`` round every `interval` seconds against a fresh scrape, on the injected clock, and keeps
/// the scrape in the dashboard's ``MetricsTrends`` (even when the round fails); gives the evaluator lease up at
/// graceful shutdown.
package struct AlertEvaluationService: Service {
    let evaluation: AlertEvaluation
    let sampler: MetricsSampler
    let trends: MetricsTrends
    let clock: any WallClock
    let logger: Logger

    package init(
        evaluation: AlertEvaluation, sampler: MetricsSampler, trends: MetricsTrends, clock: any WallClock,
        logger: Logger
    ) {
        self.evaluation = evaluation
        self.sampler = sampler
        self.trends = trends
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(every: evaluation.interval, on: clock.timer, name: "alerts", logger: logger) {
            let metrics = MetricsText(try await sampler.exposition())
            let now = clock.now
            trends.record(metrics, at: now)
            try await evaluation.evaluate(metrics, at: now)
            return false
        }
        await evaluation.releaseLease()
    }
}
