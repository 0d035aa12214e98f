import Foundation
import Synchronization

/// The running evaluator, shared by the evaluation loop and `GET /alerts`.
package final class AlertMonitor: Sendable {
    private let evaluator: Mutex<AlertEvaluator>

    package init(rules: [AlertRule], start: Date) {
        evaluator = Mutex(AlertEvaluator(rules: rules, start: start))
    }

    /// Records a scrape and returns the transitions it caused.
    package func evaluate(_ metrics: MetricsText, at now: Date) -> [AlertTransition] {
        evaluator.withLock { $0.evaluate(metrics, at: now) }
    }

    /// Every rule with its state, by name.
    package var alerts: [(rule: AlertRule, state: AlertState)] {
        evaluator.withLock { evaluator in
            evaluator.rules.sorted { $0.name < $1.name }.compactMap { rule in
                evaluator.states[rule.name].map { (rule, $0) }
            }
        }
    }
}
