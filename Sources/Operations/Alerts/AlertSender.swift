import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What one delivery attempt came to.
package enum AlertSendResult: Sendable, Equatable {
    /// Accepted (`status`: PagerDuty answers 202, Slack 200).
    case delivered(status: Int)
    /// Worth another try later (a timeout, a 5xx, a 429 with its `Retry-After`).
    case retryable(reason: String, retryAfter: TimeInterval?)
    /// Refused for good (a 4xx other than 429: a wrong key, a removed webhook, a malformed event).
    case rejected(reason: String)
}

/// Posts one notification to one destination, once, with a timeout; retrying is the outbox's job.
package struct AlertSender: Sendable {
    let httpClient: HTTPClient
    let timeout: TimeInterval

    package init(httpClient: HTTPClient, timeout: TimeInterval = 10) {
        self.httpClient = httpClient
        self.timeout = timeout
    }

    package func send(_ notification: AlertNotification, to destination: AlertDestination) async -> AlertSendResult {
        let url: String
        let body: Data
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            switch destination {
            case .pagerDuty(let endpoint, let routingKey):
                url = endpoint
                body = try encoder.encode(PagerDutyEvent(notification, routingKey: routingKey))
            case .slack(let webhookURL):
                url = webhookURL
                body = try encoder.encode(SlackMessage(notification))
            }
        } catch {
            return .rejected(reason: "cannot encode the notification")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "dsr-gateway")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let status = Int(response.status.code)
            // The status decides; the body only explains a failure (and a large one must not turn a 2xx into a retry).
            let answer = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(status) { return .delivered(status: status) }
            // The receiver's own words (PagerDuty's JSON errors, Slack's `invalid_payload`), short; never our URL.
            let reason = "HTTP \(status): " + String(answer.map { String(buffer: $0) }?.prefix(200) ?? "")
            if status == 429 || status >= 500 {
                return .retryable(
                    reason: reason, retryAfter: response.headers.first(name: "Retry-After").flatMap(TimeInterval.init))
            }
            return .rejected(reason: reason)
        } catch {
            // Transport errors name the failure, not the (secret) webhook path.
            return .retryable(reason: "\(type(of: error)): \(error)", retryAfter: nil)
        }
    }
}
