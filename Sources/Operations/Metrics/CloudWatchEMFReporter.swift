import DSRCore
import Foundation
import Logging
import ServiceLifecycle
import BackgroundWork

/// Writes the operations guide's metrics as CloudWatch Embedded Metric Format lines to standard output every
/// `interval` seconds (the CloudWatch agent or Lambda runtime turns them into metrics). Off unless configured.
package struct CloudWatchEMFReporter: Service {
    let sampler: MetricsSampler
    let emf: CloudWatchEMF
    let interval: TimeInterval
    let clock: any WallClock
    let logger: Logger

    package init(
        sampler: MetricsSampler, emf: CloudWatchEMF, interval: TimeInterval, clock: any WallClock, logger: Logger
    ) {
        self.sampler = sampler
        self.emf = emf
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        var previous: MetricsText?
        await repeatUntilShutdown(every: interval, on: clock.timer, name: "cloudwatch-emf", logger: logger) {
            let current = MetricsText(try await sampler.exposition())
            for line in emf.lines(current: current, previous: previous, at: clock.now) { announce(line) }
            previous = current
            return false
        }
    }
}
