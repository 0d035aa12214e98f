import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import Operations
import Persistence
import ProcessorSimulator
import Testing
import TestSupport

/// The evaluator running inside the gateway on its clock, seen through `GET /alerts`.
@Suite struct AlertsEndToEndTests {
    static func alerts(_ api: GatewayAPIClient) async throws -> [String: String] {
        try await details(api).mapValues { $0["state"] as? String ?? "" }
    }

    /// Each rule's JSON object from `GET /alerts`, by rule name.
    static func details(_ api: GatewayAPIClient) async throws -> [String: [String: any Sendable]] {
        let answer = try await api.send(.GET, "/alerts")
        let list = try #require(answer.json?["alerts"] as? [[String: any Sendable]])
        return Dictionary(
            uniqueKeysWithValues: list.compactMap { alert in (alert["rule"] as? String).map { ($0, alert) } })
    }

    @Test func aStalledQueueGoesPendingThenFiringPagesOnceAndEveryOtherRuleStaysQuiet() async throws {
        try await AlertReceiver.with { receiver in
            try await GatewayHarness.with(gateway: {
                $0.alerts.evaluationInterval = 0.02
                $0.alerts.destinations = receiver.destinations
            }) { harness in
                try await Self.stallFireAndRestart(harness, receiver)
            }
        }
    }

    static let subject = "alert-subject-4711@example.com"

    static func stallFireAndRestart(_ harness: GatewayHarness, _ receiver: AlertReceiver) async throws {
        let api = try await harness.api
        #expect(try await Self.alerts(api).count == DefaultAlertRules.rules.count)
        // Every processor call answered 429 with a long Retry-After: the request stays queued.
        harness.simulator.setFaults(SimulatorFaults(rateLimitStorm: true, rateLimitStormRetryAfter: 3000))
        let id = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: Self.subject)
        try await harness.eventually("the delivery met the 429") {
            try await api.request(id).lastError?.contains("429") == true
        }
        try await harness.advance(by: 11 * 60)
        try await harness.eventually("DispatcherStalled is pending") {
            try await Self.alerts(api)["DispatcherStalled"] == "pending"
        }
        try await harness.advance(by: 61)
        try await harness.eventually("DispatcherStalled is firing") {
            try await Self.alerts(api)["DispatcherStalled"] == "firing"
        }
        let states = try await Self.alerts(api)
        #expect(states.filter { $0.value != "inactive" }.keys.sorted() == ["DispatcherStalled"])
        // Paged once, on the PagerDuty route, and the page names neither the subject nor the request.
        try await harness.eventually("the page arrived") { !receiver.pagerDuty.isEmpty }
        let page = try #require(receiver.deliveries.first)
        #expect(receiver.deliveries.count == 1)
        #expect(page.json["dedup_key"] as? String == "dsr-gateway/DispatcherStalled")
        #expect(!page.body.contains(Self.subject) && !page.body.lowercased().contains(id.lowercased()))
        // The dashboard shows it firing.
        let dashboard = try await api.send(.GET, "/dashboard")
        #expect(
            String(decoding: dashboard.body, as: UTF8.self).contains(#"data-metric="alert:DispatcherStalled">firing<"#))

        // A restart resumes the stored state: still firing since the same moment, not pending again.
        let firingSince = try await Self.details(api)["DispatcherStalled"]?["since"] as? String
        try await harness.stopGateway()
        let restarted = try await harness.startGateway()
        let resumed = try await Self.details(restarted)["DispatcherStalled"]
        #expect(resumed?["state"] as? String == "firing")
        #expect(resumed?["since"] as? String == firingSince)
        // The restarted evaluator has run (the queue's age it reports has grown) and kept it firing.
        let before = resumed?["value"] as? Double ?? 0
        try await harness.advance(by: 30)
        try await harness.eventually("the restarted evaluator ran") {
            try await Self.details(restarted)["DispatcherStalled"]?["value"] as? Double ?? 0 >= before + 30
        }
        #expect(try await Self.alerts(restarted)["DispatcherStalled"] == "firing")
        // Nothing else was sent, nor is waiting to be: the outbox holds no second notification.
        try await harness.stopGateway()
        let store = try await SQLiteRequestStore.open(path: harness.storePath, logger: GatewayHarness.quietLogger)
        let waiting = try await store.pendingAlertNotificationCount()
        try await store.close()
        #expect(waiting == 0)
        #expect(receiver.deliveries.count == 1)
    }
}
