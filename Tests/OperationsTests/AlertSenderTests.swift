import AsyncHTTPClient
import Foundation
import Logging
import NIOPosix
import Operations
import TestSupport
import Testing

/// What goes over the wire to PagerDuty and Slack, as a loopback receiver records it, and how answers are read.
@Suite struct AlertSenderTests {
    static let at = Date(timeIntervalSince1970: 1_767_690_000)

    static func notification(
        _ name: String, _ kind: AlertTransition.Kind = .firing, value: Double? = 0.2, runbookBaseURL: String? = nil
    ) throws -> AlertNotification {
        let rule = try #require(DefaultAlertRules.rules.first { $0.name == name })
        return AlertNotification(
            AlertTransition(rule: rule, kind: kind, value: value, at: at), source: "dsr-gateway-prod",
            runbookBaseURL: runbookBaseURL)
    }

    static func send(
        _ notification: AlertNotification, _ destination: AlertDestination, timeout: TimeInterval = 5
    ) async throws -> AlertSendResult {
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let result = await AlertSender(httpClient: client, timeout: timeout).send(
            notification, to: destination, now: at, logger: Logger(label: "test"))
        try await client.shutdown()
        return result
    }

    @Test(arguments: [
        ("HighErrorRate", "critical"), ("UpstreamFailures", "error"), ("HighLatency", "warning"),
        ("HighVolume", "info"),
    ])
    func aPagerDutyTriggerHasEventsV2FieldsAndMapsTheSeverity(rule: String, severity: String) async throws {
        try await AlertReceiver.with { receiver in
            let notification = try Self.notification(
                rule, runbookBaseURL: "https://git.example.com/dsr-gateway/blob/main")
            let result = try await Self.send(
                notification, .pagerDuty(url: receiver.baseURL + "/pagerduty", routingKey: "R0UT1NGKEY"))
            #expect(result == .delivered(status: 202))
            let event = try #require(receiver.pagerDuty.first).json
            #expect(Set(event.keys) == ["routing_key", "event_action", "dedup_key", "payload", "links", "client"])
            #expect(event["routing_key"] as? String == "R0UT1NGKEY")
            #expect(event["event_action"] as? String == "trigger")
            #expect(event["dedup_key"] as? String == "dsr-gateway-prod/\(rule)")
            let payload = try #require(event["payload"] as? [String: Any])
            #expect(
                Set(payload.keys) == [
                    "summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details",
                ])
            #expect(payload["severity"] as? String == severity)
            #expect(payload["source"] as? String == "dsr-gateway-prod")
            #expect(payload["timestamp"] as? String == "2026-01-06T09:00:00.000Z")
            let summary = try #require(payload["summary"] as? String)
            #expect(summary.hasPrefix("[FIRING] \(rule)") && summary.count <= 1024)
            let details = try #require(payload["custom_details"] as? [String: String])
            #expect(Set(details.keys) == ["rule", "summary", "value", "threshold", "runbook", "state"])
            let links = try #require(event["links"] as? [[String: String]])
            #expect(
                links.first?["href"]?.hasPrefix("https://git.example.com/dsr-gateway/blob/main/docs/runbooks.md#")
                    == true)
        }
    }

    @Test func aPagerDutyResolveCarriesOnlyTheKeyAndTheTriggersDedupKey() async throws {
        try await AlertReceiver.with { receiver in
            _ = try await Self.send(
                try Self.notification("DispatcherStalled", .resolved, value: 5),
                .pagerDuty(url: receiver.baseURL + "/pagerduty", routingKey: "R0UT1NGKEY"))
            let event = try #require(receiver.pagerDuty.first).json
            #expect(Set(event.keys) == ["routing_key", "event_action", "dedup_key"])
            #expect(event["event_action"] as? String == "resolve")
            #expect(event["dedup_key"] as? String == "dsr-gateway-prod/DispatcherStalled")
        }
    }

    @Test func aSlackMessageHasTextAndBlocksNamingRuleValueThresholdAndRunbook() async throws {
        try await AlertReceiver.with { receiver in
            var notification = try Self.notification("HighErrorRate", value: 0.2)
            notification.summary = "5xx <above> 5 % & rising"
            let result = try await Self.send(notification, .slack(webhookURL: receiver.baseURL + "/slack/T000/B000"))
            #expect(result == .delivered(status: 200))
            let message = try #require(receiver.slack.first).json
            #expect(Set(message.keys) == ["text", "blocks"])
            let text = try #require(message["text"] as? String)
            #expect(text.hasPrefix("[FIRING] HighErrorRate (critical): 5xx &lt;above&gt; 5 % &amp; rising"))
            let blocks = try #require(message["blocks"] as? [[String: Any]])
            #expect(blocks.map { $0["type"] as? String } == ["header", "section", "section", "context"])
            #expect((blocks[0]["text"] as? [String: String])?["type"] == "plain_text")
            let fields = (blocks[2]["fields"] as? [[String: String]] ?? []).map { $0["text"] ?? "" }
            #expect(
                fields == [
                    "*Rule*\nHighErrorRate", "*Severity*\ncritical", "*Value*\n20.0 %", "*Threshold*\nabove 5.0 %",
                ])
            let context = (blocks[3]["elements"] as? [[String: String]])?.first?["text"] ?? ""
            #expect(context.contains("docs/runbooks.md#high-error-rate"))
        }
    }

    @Test func answersAreReadAsDeliveredRetryableOrRejected() async throws {
        try await AlertReceiver.with { receiver in
            let notification = try Self.notification("DispatcherStalled", value: 900)
            let pagerDuty = AlertDestination.pagerDuty(url: receiver.baseURL + "/pagerduty", routingKey: "k")
            receiver.failNext([503], retryAfter: 7)
            #expect(
                try await Self.send(notification, pagerDuty)
                    == .retryable(reason: "HTTP 503: scripted failure", retryAfter: 7))
            receiver.failNext([429])
            #expect(
                try await Self.send(notification, pagerDuty)
                    == .retryable(reason: "HTTP 429: scripted failure", retryAfter: nil))
            receiver.failNext([400])
            #expect(try await Self.send(notification, pagerDuty) == .rejected(reason: "HTTP 400: scripted failure"))
            #expect(try await Self.send(notification, pagerDuty) == .delivered(status: 202))
        }
        // Nothing listens on port 9 of loopback: the connection is refused (the client tries again until its
        // deadline), which is worth retrying later.
        let refused = try await Self.send(
            try Self.notification("DispatcherStalled"), .slack(webhookURL: "http://127.0.0.1:9/slack/x"), timeout: 1)
        guard case .retryable = refused else {
            Issue.record("a refused connection should be retryable, got \(refused)")
            return
        }
    }

    @Test(
        arguments: [
            ("HighErrorRate", 0.0512, "5.1 %", "above 5.0 %"), ("UpstreamFailures", 12.0, "12", "above 10"),
            ("HighLatency", 2.5, "2.5 s", "above 2 s"), ("CertExpiry", 20.0 * 86_400, "20 days", "below 30 days"),
            ("DispatcherStalled", 900.0, "15 min", "above 10 min"), ("HighVolume", 2.5, "250.0 %", "above 200.0 %"),
        ] as [(String, Double, String, String)])
    func valuesAreWrittenInTheRulesUnit(rule: String, value: Double, shown: String, threshold: String) throws {
        let notification = try Self.notification(rule, value: value)
        #expect(notification.valueText == shown)
        #expect(notification.thresholdText == threshold)
    }
}
