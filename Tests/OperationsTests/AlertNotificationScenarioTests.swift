import DSRCore
import Foundation
import Operations
import Persistence
import Testing
import TestSupport

/// Every default rule from metrics to a receiver, as the gateway runs it: evaluation rounds on a manual clock, states
/// and notifications in SQLite, deliveries over loopback HTTP to a recorder of PagerDuty and Slack payloads.
@Suite struct AlertNotificationScenarioTests {
    /// A running evaluator over the setup's store; replaced at a restart.
    final class Gateway {
        var monitor: AlertMonitor
        var evaluation: AlertEvaluation
        var workload = AlertWorkload()
        let setup: AlertNotifierHarness

        /// Evaluates `rules` only: the scenario follows one rule's notifications (a breach of one rule can be a
        /// breach of another that measures the same thing more strictly).
        init(_ setup: AlertNotifierHarness, rules: [AlertRule], stored: [AlertState] = []) {
            self.setup = setup
            monitor = AlertMonitor(rules: rules, stored: stored, start: setup.clock.now)
            evaluation = AlertEvaluation(
                monitor: monitor, store: setup.store, notifier: setup.notifier, interval: 30,
                logger: GatewayHarness.quietLogger)
        }

        /// One 30-second round: a normal step (breaching `rule` when given) with `extra` on top, then an evaluation.
        func round(breaching rule: String? = nil, _ extra: AlertWorkload.Extra = { _ in }) async throws {
            setup.clock.advance(by: 30)
            workload.step(breaching: rule)
            extra(&workload)
            try await evaluation.evaluate(workload.text, at: setup.clock.now)
        }

        func phase(_ rule: String) -> AlertState.Phase? {
            monitor.alerts.first { $0.rule.name == rule }?.state.phase
        }
    }

    /// Where a route's notifications arrive at the receiver, and the routing key PagerDuty ones carry.
    static func arrival(_ route: AlertRoute) -> (path: String, routingKey: String?) {
        switch route {
        case .pagerDuty: ("/pagerduty", "general-key")
        case .pagerDutySecurity: ("/pagerduty", "security-key")
        case .slack: ("/slack/general", nil)
        case .slackSecurity: ("/slack/security", nil)
        }
    }

    @Test(arguments: DefaultAlertRules.rules.map(\.name))
    func shortBreachNothingSustainedOneTriggerRestartNoRepeatRecoveryOneResolve(rule name: String) async throws {
        let rule = try #require(DefaultAlertRules.rules.first { $0.name == name })
        let arrival = Self.arrival(rule.route)
        try await AlertNotifierHarness.with { setup, receiver in
            var gateway = Gateway(setup, rules: [rule])
            // Normal traffic straight into the evaluator until the rule's window (and baseline: a day for the volume
            // rule) has history, and 20 minutes more (nothing can fire on it: checked). Yielding, so the other
            // tests running meanwhile on two cores are not starved.
            var warmUp: [AlertTransition] = []
            for _ in 0..<(Int((rule.window + (rule.baseline ?? 0)) / 30) + 40) {
                setup.clock.advance(by: 30)
                gateway.workload.step(breaching: nil)
                warmUp += gateway.monitor.evaluate(gateway.workload.text, at: setup.clock.now)
                await Task.yield()
            }
            #expect(warmUp.isEmpty)

            // Breached for less than `for`: pending for a moment, then nothing sent (every rule but RequestFailed,
            // which one failure is meant to fire).
            let blip = AlertWorkload.blip(name)
            #expect(blip.isEmpty == (name == "RequestFailed"))
            var wasPending = blip.isEmpty
            for extra in blip {
                try await gateway.round(extra)
                wasPending = wasPending || gateway.phase(name) == .pending
            }
            for _ in 0..<40 { try await gateway.round() }
            #expect(wasPending)
            #expect(try await setup.deliverDue() == 0)
            #expect(receiver.deliveries.isEmpty)

            // Sustained: exactly one trigger, on the rule's route.
            for _ in 0..<60 { try await gateway.round(breaching: name) }
            #expect(try await setup.deliverDue() == 1)
            #expect(receiver.deliveries.map(\.path) == [arrival.path])
            let trigger = try #require(receiver.deliveries.first).json
            if let routingKey = arrival.routingKey {
                #expect(trigger["event_action"] as? String == "trigger")
                #expect(trigger["routing_key"] as? String == routingKey)
                #expect(trigger["dedup_key"] as? String == "dsr-gateway/\(name)")
            } else {
                #expect((trigger["text"] as? String)?.hasPrefix("[FIRING] \(name)") == true)
            }

            // A restart while it fires (graceful, so the lease is let go; counters start from zero): the breach goes
            // on and nothing more is sent.
            await gateway.evaluation.releaseLease()
            gateway = Gateway(setup, rules: [rule], stored: try await setup.store.alertStates())
            for _ in 0..<60 { try await gateway.round(breaching: name) }
            #expect(gateway.phase(name) == .firing)
            #expect(try await setup.deliverDue() == 0)
            #expect(receiver.deliveries.count == 1)

            // Recovery: exactly one resolve, with the trigger's dedup key (the volume rule waits for a whole
            // baseline day of history after the restart before it judges).
            var rounds = 0
            while gateway.phase(name) != .inactive && rounds < 3100 {
                try await gateway.round()
                rounds += 1
            }
            for _ in 0..<10 { try await gateway.round() }
            #expect(try await setup.deliverDue() == 1)
            #expect(receiver.deliveries.map(\.path) == [arrival.path, arrival.path])
            let resolve = try #require(receiver.deliveries.last).json
            if arrival.routingKey != nil {
                #expect(resolve["event_action"] as? String == "resolve")
                #expect(resolve["dedup_key"] as? String == "dsr-gateway/\(name)")
            } else {
                #expect((resolve["text"] as? String)?.hasPrefix("[RESOLVED] \(name)") == true)
            }
        }
    }
}
