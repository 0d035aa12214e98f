import DSRCore
import Foundation
import Logging
import ServiceLifecycle
import BackgroundWork

/// Runs an ``AlertEvaluation`` round every `interval` seconds against a fresh scrape, on the injected clock; gives the
/// evaluator lease up at graceful shutdown.
package struct AlertEvaluationService: Service {
    let evaluation: AlertEvaluation
    let sampler: MetricsSampler
    let clock: any WallClock
    let logger: Logger

    package init(evaluation: AlertEvaluation, sampler: MetricsSampler, clock: any WallClock, logger: Logger) {
        self.evaluation = evaluation
        self.sampler = sampler
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(every: evaluation.interval, on: clock.timer, name: "alerts", logger: logger) {
            try await evaluation.evaluate(MetricsText(try await sampler.exposition()), at: clock.now)
            return false
        }
        await evaluation.releaseLease()
    }
}
