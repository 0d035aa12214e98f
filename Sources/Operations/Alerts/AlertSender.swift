import DSRCore
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OpenDSR

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

    /// Sends once; `now` judges an HTTP-date `Retry-After`, `logger` hears of an unusable one.
    package func send(
        _ notification: AlertNotification, to destination: AlertDestination, now: Date, logger: Logger
    ) async -> AlertSendResult {
        let url: String
        let body: Data
        let encoder = JSONCoding.encoder()
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
            // The status decides; the body only explains a failure (and a large one must not turn a 2xx into a retry).
            // The whole exchange is bounded: a receiver that drips its answer cannot hold the route's delivery loop.
            let (response, answer) = try await httpClient.exchange(request, timeout: timeout, maxBytes: 64 * 1024)
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return .delivered(status: status) }
            // The receiver's own words (PagerDuty's JSON errors, Slack's `invalid_payload`), short; never our URL.
            let reason = "HTTP \(status): " + String(String(buffer: answer).prefix(200))
            if status == 429 || status >= 500 {
                return .retryable(
                    reason: reason, retryAfter: RetryAfter.read(response.headers, now: now, logger: logger))
            }
            return .rejected(reason: reason)
        } catch {
            // Transport errors name the failure, not the (secret) webhook path.
            return .retryable(reason: "\(type(of: error)): \(error)", retryAfter: nil)
        }
    }
}
