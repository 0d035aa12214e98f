import Foundation
import Persistence
import Synchronization

/// The running evaluator, shared by the evaluation loop and `GET /alerts`.
package final class AlertMonitor: Sendable {
    private let evaluator: Mutex<AlertEvaluator>

    /// `stored` are the states a previous run saved (see ``storedStates``).
    package init(rules: [AlertRule], stored: [StoredAlertState] = [], start: Date) {
        let states = stored.compactMap { row in
            AlertState.Phase(rawValue: row.phase).map {
                AlertState(rule: row.rule, phase: $0, since: row.since, value: row.value)
            }
        }
        evaluator = Mutex(AlertEvaluator(rules: rules, states: states, start: start))
    }

    /// Every rule's state, to store.
    package var storedStates: [StoredAlertState] {
        evaluator.withLock { evaluator in
            evaluator.states.values.sorted { $0.rule < $1.rule }.map {
                StoredAlertState(rule: $0.rule, phase: $0.phase.rawValue, since: $0.since, value: $0.value)
            }
        }
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
