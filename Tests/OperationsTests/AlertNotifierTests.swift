import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import NIOPosix
import Operations
import Persistence
import TestSupport
import Testing

/// The notification outbox on a real SQLite file, delivered to a loopback receiver on a manual clock: retries with
/// backoff, giving up, order per dedup key, what is counted and logged, and the evaluator lease.
@Suite struct AlertNotifierTests {
    /// A notifier whose every route leads to `receiver`, with a store, clock, metrics and logs to look at.
    struct Setup {
        let store: SQLiteRequestStore
        let clock: ManualWallClock
        let metrics = GatewayMetrics()
        let logs = CapturedLogs()
        let notifier: AlertNotifier

        init(
            store: SQLiteRequestStore, receiver: AlertReceiver, httpClient: HTTPClient, maxAttempts: Int = 10,
            destinations: AlertDestinations? = nil
        ) {
            self.store = store
            clock = ManualWallClock(AlertSenderTests.at)
            notifier = AlertNotifier(
                store: store, sender: AlertSender(httpClient: httpClient, timeout: 5),
                destinations: destinations ?? receiver.destinations, source: "dsr-gateway",
                runbookBaseURL: nil, maxAttempts: maxAttempts, metrics: metrics, clock: clock,
                logger: logs.logger())
        }

        /// Queues the notification of `kind` for `rule`, as an evaluation round would.
        func queue(_ rule: String, _ kind: AlertTransition.Kind) async throws {
            let rule = try #require(DefaultAlertRules.rules.first { $0.name == rule })
            let entries = notifier.outboxEntries(for: [AlertTransition(rule: rule, kind: kind, value: 1, at: clock.now)]
            )
            try await store.saveAlertStates([], notifications: entries, at: clock.now)
        }

        func count(_ route: String, _ outcome: String) -> Double {
            MetricsText(metrics.exposition()).value(
                MetricsCatalogue.alertNotifications.name, ["route": route, "outcome": outcome]) ?? -1
        }
    }

    static func with(
        maxAttempts: Int = 10, destinations: (@Sendable (AlertReceiver) -> AlertDestinations)? = nil,
        _ body: @Sendable (Setup, AlertReceiver) async throws -> Void
    ) async throws {
        try await AlertReceiver.with { receiver in
            try await TemporaryDatabase.with { database in
                let store = try await SQLiteRequestStore.open(path: database.path, logger: GatewayHarness.quietLogger)
                let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
                let setup = Setup(
                    store: store, receiver: receiver, httpClient: httpClient, maxAttempts: maxAttempts,
                    destinations: destinations?(receiver))
                do {
                    try await body(setup, receiver)
                } catch {
                    try? await httpClient.shutdown()
                    try? await store.close()
                    throw error
                }
                try await httpClient.shutdown()
                try await store.close()
            }
        }
    }

    @Test func aFailedDeliveryIsRetriedWithBackoffCountedAndLogged() async throws {
        try await Self.with { setup, receiver in
            receiver.failNext([503, 503])
            try await setup.queue("DispatcherStalled", .firing)
            #expect(try await setup.notifier.deliverDue() == 1)
            // Not due again until a second has passed, then two seconds after the second failure.
            #expect(try await setup.notifier.deliverDue() == 0)
            setup.clock.advance(by: 1)
            #expect(try await setup.notifier.deliverDue() == 1)
            setup.clock.advance(by: 1)
            #expect(try await setup.notifier.deliverDue() == 0)
            setup.clock.advance(by: 1)
            #expect(try await setup.notifier.deliverDue() == 1)
            #expect(receiver.pagerDuty.count == 3)
            #expect(try await setup.store.pendingAlertNotificationCount() == 0)
            #expect(setup.count("pagerduty", "retry") == 2)
            #expect(setup.count("pagerduty", "delivered") == 1)
            let retries = setup.logs.all.filter { $0.contains("will retry") }
            #expect(retries.count == 2)
            #expect(
                retries.allSatisfy { $0.contains("\"alert.rule\":\"DispatcherStalled\"") && $0.contains("HTTP 503") })
        }
    }

    @Test func aRefusedNotificationIsGivenUpAndDoesNotHoldTheResolveBehindIt() async throws {
        try await Self.with { setup, receiver in
            receiver.failNext([400])
            try await setup.queue("HighErrorRate", .firing)
            try await setup.queue("HighErrorRate", .resolved)
            // The resolve waits for its trigger; the trigger is refused for good; then the resolve goes.
            #expect(try await setup.notifier.deliverDue() == 1)
            #expect(try await setup.notifier.deliverDue() == 1)
            #expect(receiver.pagerDuty.map { $0.json["event_action"] as? String } == ["trigger", "resolve"])
            #expect(setup.count("pagerduty", "failed") == 1)
            #expect(setup.count("pagerduty", "delivered") == 1)
            #expect(setup.logs.all.contains { $0.contains("failed for good") && $0.contains("HTTP 400") })
        }
    }

    @Test func aResolveNeverOvertakesItsRetryingTrigger() async throws {
        try await Self.with { setup, receiver in
            receiver.failNext([503])
            try await setup.queue("HighErrorRate", .firing)
            try await setup.queue("HighErrorRate", .resolved)
            try await setup.queue("DispatcherStalled", .firing)
            // The trigger fails; DispatcherStalled (another key) goes; the resolve waits for the trigger's retry.
            #expect(try await setup.notifier.deliverDue() == 2)
            #expect(try await setup.notifier.deliverDue() == 0)
            setup.clock.advance(by: 1)
            #expect(try await setup.notifier.deliverDue() == 1)
            #expect(try await setup.notifier.deliverDue() == 1)
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
        try await Self.with(maxAttempts: 3) { setup, receiver in
            receiver.failNext([500, 500, 500, 500])
            try await setup.queue("CertExpiry", .firing)
            for _ in 0..<3 {
                #expect(try await setup.notifier.deliverDue() == 1)
                setup.clock.advance(by: 300)
            }
            #expect(try await setup.notifier.deliverDue() == 0)
            #expect(receiver.slack.count == 3)
            #expect(try await setup.store.pendingAlertNotificationCount() == 0)
            #expect(setup.count("slack-security", "retry") == 2)
            #expect(setup.count("slack-security", "failed") == 1)
        }
    }

    @Test func aRouteWithoutDestinationIsCountedAndLoggedNotQueued() async throws {
        try await Self.with(destinations: { AlertDestinations(pagerDutyURL: $0.baseURL + "/pagerduty") }) {
            setup, receiver in
            try await setup.queue("HighLatency", .firing)
            #expect(try await setup.store.pendingAlertNotificationCount() == 0)
            #expect(setup.count("slack", "unrouted") == 1)
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
        try await Self.with { setup, receiver in
            let rules = DefaultAlertRules.rules
            let first = AlertEvaluation(
                monitor: AlertMonitor(rules: rules, start: setup.clock.now), store: setup.store,
                notifier: setup.notifier, interval: 30, logger: GatewayHarness.quietLogger)
            let secondMonitor = AlertMonitor(rules: rules, start: setup.clock.now)
            let second = AlertEvaluation(
                monitor: secondMonitor, store: setup.store, notifier: setup.notifier, interval: 30,
                logger: GatewayHarness.quietLogger)
            var workload = AlertWorkload()
            for step in 0..<6 {
                setup.clock.advance(by: 30)
                workload.step(breaching: step > 0 ? "DispatcherStalled" : nil)
                try await first.evaluate(workload.text, at: setup.clock.now)
                try await second.evaluate(workload.text, at: setup.clock.now)
            }
            #expect(try await setup.notifier.deliverDue() == 1)
            #expect(receiver.pagerDuty.count == 1)
            #expect(secondMonitor.alerts.first { $0.rule.name == "DispatcherStalled" }?.state.phase == .firing)

            // The holder stops; the other takes over from the stored states: no second trigger, one resolve.
            await first.releaseLease()
            for _ in 0..<3 {
                setup.clock.advance(by: 30)
                workload.step(breaching: nil)
                try await second.evaluate(workload.text, at: setup.clock.now)
            }
            #expect(try await setup.notifier.deliverDue() == 1)
            #expect(receiver.pagerDuty.map { $0.json["event_action"] as? String } == ["trigger", "resolve"])
        }
    }
}
