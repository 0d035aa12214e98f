import Foundation
import Persistence
import Synchronization

/// The running evaluator, shared by the evaluation loop, `GET /alerts` and the dashboard.
package final class AlertMonitor: Sendable {
    private struct Running {
        var evaluator: AlertEvaluator
        /// What the store holds, so states are written when they change rather than every pass.
        var stored: [AlertState]
        /// Transitions not yet stored with their notifications (a failed write keeps them for the next pass).
        var unsaved: [AlertTransition] = []
    }

    private let running: Mutex<Running>

    /// `stored` are the states a previous run saved (see ``unsavedChanges()``).
    package init(
        rules: [AlertRule], stored: [AlertState] = [], start: Date, repeatInterval: TimeInterval = 4 * 3600
    ) {
        running = Mutex(
            Running(
                evaluator: AlertEvaluator(
                    rules: rules, states: stored, start: start, repeatInterval: repeatInterval),
                stored: stored))
    }

    /// Records a scrape and returns the transitions it caused.
    package func evaluate(_ metrics: MetricsText, at now: Date) -> [AlertTransition] {
        running.withLock { running in
            let transitions = running.evaluator.evaluate(metrics, at: now)
            running.unsaved += transitions
            return transitions
        }
    }

    /// What the store lacks: every rule's state, when a phase or a notification time changed since the last
    /// ``saved(_:transitions:)``, and the transitions since then (their notifications go in the same write); nil when nothing.
    package func unsavedChanges() -> (states: [AlertState], transitions: [AlertTransition])? {
        running.withLock { running in
            let states = running.evaluator.states.values.sorted { $0.rule < $1.rule }
            let unchanged = states.elementsEqual(running.stored) {
                $0.rule == $1.rule && $0.phase == $1.phase && $0.since == $1.since && $0.notifiedAt == $1.notifiedAt
            }
            return unchanged && running.unsaved.isEmpty ? nil : (states, running.unsaved)
        }
    }

    /// The store now holds `states` and the notifications of every transition ``unsavedChanges()`` returned.
    package func saved(_ states: [AlertState], transitions: Int) {
        running.withLock { running in
            running.stored = states
            running.unsaved.removeFirst(min(transitions, running.unsaved.count))
        }
    }

    /// Takes the states another instance (the lease holder) stored, so this one shows them and could take over.
    package func adopt(_ stored: [AlertState]) {
        running.withLock { running in
            running.evaluator.restore(stored)
            running.stored = stored
            running.unsaved = []
        }
    }

    /// Every rule with its state, by name.
    package var alerts: [(rule: AlertRule, state: AlertState)] {
        running.withLock { running in
            running.evaluator.rules.sorted { $0.name < $1.name }.compactMap { rule in
                running.evaluator.states[rule.name].map { (rule, $0) }
            }
        }
    }
}
