import DSRCore
import Foundation
import Operations
import Persistence
import TestSupport
import Testing

/// The notification outbox on a real SQLite file, delivered to a loopback receiver on a manual clock: retries with
/// backoff, giving up, order per dedup key, what is counted and logged, and the evaluator lease.
@Suite struct AlertNotifierTests {
    @Test func aFailedDeliveryIsRetriedWithBackoffCountedAndLogged() async throws {
        try await AlertNotifierHarness.with { setup, receiver in
            receiver.failNext([503, 503])
            try await setup.queue("DispatcherStalled", .firing)
            #expect(try await setup.deliverDue() == 1)
            // Not due again until a second has passed, then two seconds after the second failure.
            #expect(try await setup.deliverDue() == 0)
            setup.clock.advance(by: 1)
            #expect(try await setup.deliverDue() == 1)
            setup.clock.advance(by: 1)
            #expect(try await setup.deliverDue() == 0)
            setup.clock.advance(by: 1)
            #expect(try await setup.deliverDue() == 1)
            #expect(receiver.pagerDuty.count == 3)
            #expect(try await setup.store.pendingAlertNotificationCount() == 0)
            #expect(setup.count(.pagerDuty, .retry) == 2)
            #expect(setup.count(.pagerDuty, .delivered) == 1)
            let retries = setup.logs.all.filter { $0.contains("will retry") }
            #expect(retries.count == 2)
            #expect(
                retries.allSatisfy { $0.contains("\"alert.rule\":\"DispatcherStalled\"") && $0.contains("HTTP 503") })
        }
    }

    @Test func aReceiversRetryAfterIsHonouredUpToFiveMinutes() async throws {
        try await AlertNotifierHarness.with { setup, receiver in
            receiver.failNext([429], retryAfter: 86_400)
            try await setup.queue("HighLatency", .firing)
            #expect(try await setup.deliverDue() == 1)
            setup.clock.advance(by: 299)
            #expect(try await setup.deliverDue() == 0)
            setup.clock.advance(by: 1)
            #expect(try await setup.deliverDue() == 1)
            #expect(receiver.slack.count == 2)
            #expect(setup.count(.slack, .delivered) == 1)
        }
    }

    @Test func aRouteThisInstanceCannotReachIsLeftForOneThatCan() async throws {
        try await AlertNotifierHarness.with { setup, receiver in
            try await setup.queue("HighLatency", .firing)
            // Another instance, whose configuration lacks Slack, does not claim it: it stays for one that can send.
            let other = AlertNotifier(
                store: setup.store, sender: setup.sender,
                destinations: AlertDestinations(pagerDutyRoutingKey: "general-key"), source: "dsr-gateway",
                runbookBaseURL: nil, maxAttempts: 10, metrics: setup.metrics, clock: setup.clock,
                logger: setup.logs.logger())
            #expect(try await other.deliverDue(on: .slack) == 0)
            #expect(receiver.deliveries.isEmpty)
            #expect(try await setup.store.pendingAlertNotificationCount() == 1)
            #expect(try await setup.deliverDue() == 1)
            #expect(receiver.slack.count == 1)
        }
    }

    @Test func aRefusedNotificationIsGivenUpAndDoesNotHoldTheResolveBehindIt() async throws {
        try await AlertNotifierHarness.with { setup, receiver in
            receiver.failNext([400])
            try await setup.queue("HighErrorRate", .firing)
            try await setup.queue("HighErrorRate", .resolved)
            // The resolve waits for its trigger; the trigger is refused for good; then the resolve goes.
            #expect(try await setup.deliverDue() == 2)
            #expect(receiver.pagerDuty.map { $0.json["event_action"] as? String } == ["trigger", "resolve"])
            #expect(setup.count(.pagerDuty, .failed) == 1)
            #expect(setup.count(.pagerDuty, .delivered) == 1)
            #expect(setup.logs.all.contains { $0.contains("failed for good") && $0.contains("HTTP 400") })
        }
    }

    @Test func aResolveNeverOvertakesItsRetryingTrigger() async throws {
        try await AlertNotifierHarness.with { setup, receiver in
            receiver.failNext([503])
            try await setup.queue("HighErrorRate", .firing)
            try await setup.queue("HighErrorRate", .resolved)
            try await setup.queue("DispatcherStalled", .firing)
            // The trigger fails; DispatcherStalled (another key) goes; the resolve waits for the trigger's retry.
            #expect(try await setup.deliverDue() == 2)
            #expect(try await setup.deliverDue() == 0)
            setup.clock.advance(by: 1)
            #expect(try await setup.deliverDue() == 2)
            let sent = receiver.pagerDuty.map {
                "\($0.json["dedup_key"] as? String ?? "") \($0.json["event_action"] as? String ?? "")"
            }
            #expect(
                sent == [
                    "dsr-gateway/HighErrorRate trigger", "dsr-gateway/DispatcherStalled trigger",
                    "dsr-gateway/HighErrorRate trigger", "dsr-gateway/HighErrorRate resolve",
                ])
        }
    }

    @Test func outOfAttemptsANotificationIsGivenUp() async throws {
        try await AlertNotifierHarness.with(maxAttempts: 3) { setup, receiver in
            receiver.failNext([500, 500, 500, 500])
            try await setup.queue("CertExpiry", .firing)
            for _ in 0..<3 {
                #expect(try await setup.deliverDue() == 1)
                setup.clock.advance(by: 300)
            }
            #expect(try await setup.deliverDue() == 0)
            #expect(receiver.slack.count == 3)
            #expect(try await setup.store.pendingAlertNotificationCount() == 0)
            #expect(setup.count(.slackSecurity, .retry) == 2)
            #expect(setup.count(.slackSecurity, .failed) == 1)
        }
    }

    @Test func aRouteWithoutDestinationIsCountedAndLoggedNotQueued() async throws {
        try await AlertNotifierHarness.with(destinations: { AlertDestinations(pagerDutyURL: $0.baseURL + "/pagerduty") }
        ) {
            setup, receiver in
            try await setup.queue("HighLatency", .firing)
            #expect(try await setup.store.pendingAlertNotificationCount() == 0)
            #expect(setup.count(.slack, .unrouted) == 1)
            #expect(setup.logs.all.contains { $0.contains("no destination configured") && $0.contains("HighLatency") })
        }
    }

    @Test func securityRoutesFallBackToTheOrdinaryDestination() {
        let ordinary = AlertDestinations(pagerDutyRoutingKey: "general", slackWebhookURL: "https://hooks.example/a")
        #expect(
            ordinary.destination(for: .pagerDutySecurity)
                == .pagerDuty(url: AlertDestinations.defaultPagerDutyURL, routingKey: "general"))
        #expect(ordinary.destination(for: .slackSecurity) == .slack(webhookURL: "https://hooks.example/a"))
        #expect(AlertDestinations().configuredRoutes.isEmpty)
    }

    @Test func onlyTheLeaseHolderEvaluatesAndNotifiesTheOtherShowsItsStates() async throws {
        try await AlertNotifierHarness.with { setup, receiver in
            let rules = DefaultAlertRules.rules
            let first = AlertEvaluation(
                monitor: AlertMonitor(rules: rules, start: setup.clock.now), store: setup.store,
                notifier: setup.notifier, interval: 30, logger: GatewayHarness.quietLogger)
            let secondMonitor = AlertMonitor(rules: rules, start: setup.clock.now)
            let second = AlertEvaluation(
                monitor: secondMonitor, store: setup.store, notifier: setup.notifier, interval: 30,
                logger: GatewayHarness.quietLogger)
            var workload = AlertWorkload()
            @Sendable func phase(_ monitor: AlertMonitor) -> AlertState.Phase? {
                monitor.alerts.first { $0.rule.name == "DispatcherStalled" }?.state.phase
            }
            // The first takes the lease; from then on the standby looks first each round, so the holder's firing is
            // newer than the standby's copy.
            setup.clock.advance(by: 30)
            workload.step(breaching: nil)
            try await first.evaluate(workload.text, at: setup.clock.now)
            for _ in 0..<3 {
                setup.clock.advance(by: 30)
                workload.step(breaching: "DispatcherStalled")
                try await second.evaluate(workload.text, at: setup.clock.now)
                try await first.evaluate(workload.text, at: setup.clock.now)
            }
            #expect(try await setup.deliverDue() == 1)
            #expect(receiver.pagerDuty.count == 1)
            #expect(phase(secondMonitor) == .pending)

            // The holder stops right after firing; the standby takes over from what it stored, not from its own
            // stale copy: still breached, nothing sent; recovered, one resolve.
            await first.releaseLease()
            setup.clock.advance(by: 30)
            workload.step(breaching: "DispatcherStalled")
            try await second.evaluate(workload.text, at: setup.clock.now)
            #expect(phase(secondMonitor) == .firing)
            #expect(try await setup.deliverDue() == 0)
            for _ in 0..<2 {
                setup.clock.advance(by: 30)
                workload.step(breaching: nil)
                try await second.evaluate(workload.text, at: setup.clock.now)
            }
            #expect(try await setup.deliverDue() == 1)
            #expect(receiver.pagerDuty.map { $0.json["event_action"] as? String } == ["trigger", "resolve"])
        }
    }
}
