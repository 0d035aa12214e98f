import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Operations
import Synchronization

/// A loopback HTTP server standing in for PagerDuty's Events API (`POST /pagerduty`, answered 202 with PagerDuty's
/// JSON) and Slack incoming webhooks (`POST /slack/…`, answered 200 `ok`), recording every body it receives. Answers
/// can be scripted to fail first, as a receiver having a bad minute would.
package final class AlertReceiver: Sendable {
    /// One request received.
    package struct Delivery: Sendable {
        package let path: String
        package let body: String

        /// The body as a JSON object (empty when it is not one).
        package var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    private struct State {
        var deliveries: [Delivery] = []
        var failures: [(status: Int, retryAfter: Int?)] = []
        var baseURL = ""
        /// While set, requests to paths starting with it are recorded and then wait here for ``release()``.
        var holding: String?
        var held: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// `http://127.0.0.1:PORT`.
    package var baseURL: String { state.withLock { $0.baseURL } }
    /// Everything received so far, in order (failed answers included).
    package var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    package var pagerDuty: [Delivery] { deliveries.filter { $0.path == "/pagerduty" } }
    package var slack: [Delivery] { deliveries.filter { $0.path.hasPrefix("/slack/") } }

    /// Every route leads here: PagerDuty with routing keys `general-key` and `security-key`, Slack at
    /// `/slack/general` and `/slack/security`.
    package var destinations: AlertDestinations {
        AlertDestinations(
            pagerDutyURL: baseURL + "/pagerduty", pagerDutyRoutingKey: "general-key",
            pagerDutySecurityRoutingKey: "security-key", slackWebhookURL: baseURL + "/slack/general",
            slackSecurityWebhookURL: baseURL + "/slack/security")
    }

    /// Requests from now on to paths starting with `pathPrefix` are recorded but not answered until ``release()``:
    /// a receiver that hangs.
    package func hold(_ pathPrefix: String) {
        state.withLock { $0.holding = pathPrefix }
    }

    /// How many requests are waiting for an answer.
    package var waiting: Int { state.withLock { $0.held.count } }

    /// Answers every waiting request and stops holding.
    package func release() {
        let held = state.withLock { state in
            state.holding = nil
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }

    /// The next `statuses.count` requests are answered with these statuses (and `Retry-After` when given).
    package func failNext(_ statuses: [Int], retryAfter: Int? = nil) {
        state.withLock { $0.failures += statuses.map { ($0, retryAfter) } }
    }

    /// Runs `body` with a receiver listening on a loopback port.
    package static func with<T: Sendable>(_ body: @Sendable (AlertReceiver) async throws -> T) async throws -> T {
        let receiver = AlertReceiver()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let path = request.uri.path
            let answer = receiver.answer(path: path, body: String(buffer: bytes))
            await withCheckedContinuation { continuation in
                let wait = receiver.state.withLock { state in
                    let holds = state.holding.map { path.hasPrefix($0) } ?? false
                    if holds { state.held.append(continuation) }
                    return holds
                }
                if !wait { continuation.resume() }
            }
            return answer
        }
        var logger = Logger(label: "alert-receiver")
        logger.logLevel = .critical
        return try await Application(router: router, logger: logger).test(.live) { client in
            receiver.state.withLock { $0.baseURL = "http://127.0.0.1:\(client.port ?? 0)" }
            // A test that fails while requests are held must not leave the server waiting on them at shutdown.
            defer { receiver.release() }
            return try await body(receiver)
        }
    }

    private func answer(path: String, body: String) -> Response {
        let failure = state.withLock { state in
            state.deliveries.append(Delivery(path: path, body: body))
            return state.failures.isEmpty ? nil : state.failures.removeFirst()
        }
        if let failure {
            var headers = HTTPFields()
            if let retryAfter = failure.retryAfter { headers[.retryAfter] = String(retryAfter) }
            return Response(
                status: .init(code: failure.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "scripted failure")))
        }
        if path == "/pagerduty" {
            let dedupKey = Delivery(path: path, body: body).json["dedup_key"] as? String ?? ""
            return Response(
                status: .accepted, headers: [.contentType: "application/json"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: #"{"status":"success","message":"Event processed","dedup_key":"\#(dedupKey)"}"#)))
        }
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }
}
