import DSRCore
import Foundation
import Logging
import Operations
import Persistence
import ServiceLifecycle
import Workers

/// Evaluates the alert rules every `interval` seconds against a fresh scrape, on the injected clock, and logs each
/// transition (rule, severity, value — never subject data), then stores every rule's state so a restart resumes
/// where it stopped. Notifications to PagerDuty and Slack build on these.
struct AlertEvaluationService: Service {
    let monitor: AlertMonitor
    let store: any AlertStateStore
    let sampler: MetricsSampler
    let interval: TimeInterval
    let clock: any WallClock
    let logger: Logger

    func run() async throws {
        var saved: [StoredAlertState] = []
        await repeatUntilShutdown(every: interval, name: "alerts", logger: logger) {
            let metrics = MetricsText(try await sampler.exposition())
            for transition in monitor.evaluate(metrics, at: clock.now) {
                logger.log(
                    level: transition.kind == .firing ? .warning : .notice, "alert \(transition.kind.rawValue)",
                    metadata: [
                        "alert.rule": "\(transition.rule.name)",
                        "alert.severity": "\(transition.rule.severity.rawValue)",
                        "alert.route": "\(transition.rule.route)",
                        "alert.value": "\(transition.value.map { String($0) } ?? "none")",
                    ])
            }
            // Stored when a phase changes, not every pass: the value alone is not worth a write.
            let states = monitor.storedStates
            let unchanged = states.elementsEqual(saved) {
                $0.rule == $1.rule && $0.phase == $1.phase && $0.since == $1.since
            }
            if !unchanged {
                try await store.saveAlertStates(states)
                saved = states
            }
            return false
        }
    }
}
