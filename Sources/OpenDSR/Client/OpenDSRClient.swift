import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Client of the OpenDSR processor API over one shared `HTTPClient`. Every call has a timeout and a body cap,
/// and maps the answer to a ``ProcessorOutcome`` instead of throwing. All calls share one ``ProcessorPacer``: during
/// a 429's `Retry-After` they answer `.rateLimited` without reaching the processor.
package struct OpenDSRClient: Sendable {
    /// Told about every call that went out: operation (`submit`, `status`, `cancel`, `discovery`), outcome label and
    /// duration (metrics record from it).
    package typealias CallObserver = @Sendable (_ operation: String, _ outcome: String, _ duration: Duration) -> Void

    package let configuration: OpenDSRClientConfiguration
    let httpClient: HTTPClient
    package let pacer: ProcessorPacer
    let observer: CallObserver?

    package init(
        httpClient: HTTPClient, configuration: OpenDSRClientConfiguration, pacer: ProcessorPacer,
        observer: CallObserver? = nil
    ) {
        self.httpClient = httpClient
        self.configuration = configuration
        self.pacer = pacer
        self.observer = observer
    }

    /// `POST /requests`.
    package func submit(_ body: SubmitRequestBody, logger: Logger) async -> ProcessorReply<SubmitResponse> {
        await call(.POST, path: "/requests", operation: "submit", keeping: .submission, body: body, logger: logger)
    }

    /// `GET /requests/{id}`; `.background` for re-reads that can wait.
    package func status(
        subjectRequestId: String, priority: CallPriority = .normal, logger: Logger
    ) async -> ProcessorReply<RequestStatusResponse> {
        await call(
            .GET, path: "/requests/\(subjectRequestId)", operation: "status", keeping: .status,
            body: Optional<SubmitRequestBody>.none, priority: priority, logger: logger)
    }

    /// `DELETE /requests/{id}`: cancel while the request is still pending.
    package func cancel(subjectRequestId: String, logger: Logger) async -> ProcessorReply<Void> {
        let reply: ProcessorReply<EmptyBody> = await call(
            .DELETE, path: "/requests/\(subjectRequestId)", operation: "cancel", keeping: .cancellation,
            body: Optional<SubmitRequestBody>.none, logger: logger)
        return ProcessorReply(outcome: reply.outcome.map { _ in () }, exchange: reply.exchange)
    }

    /// `GET /discovery`, ``CallPriority/urgent``: verifying a callback needs the certificate it points to, whatever
    /// backlog or open circuit the other calls face.
    package func discovery(logger: Logger) async -> ProcessorOutcome<DiscoveryResponse> {
        await call(
            .GET, path: "/discovery", operation: "discovery", keeping: nil, body: Optional<SubmitRequestBody>.none,
            priority: .urgent, logger: logger
        ).outcome
    }

    /// Downloads the PEM chain at `processor_certificate` (no credentials: it is public).
    package func certificateChainPEM(at url: String, logger: Logger) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let (response, body) = try await httpClient.exchange(
            request, timeout: configuration.timeout, maxBytes: 256 * 1024)
        guard response.status == .ok else {
            throw OpenDSRClientError(message: "certificate download answered \(response.status.code)")
        }
        return String(buffer: body)
    }

    /// One call; when the processor answers, the exchange as it passed is kept as `kind` (nil: not kept).
    private func call<Body: Encodable, Value: Decodable & Sendable>(
        _ method: HTTPMethod, path: String, operation: String, keeping kind: ProcessorExchange.Kind?, body: Body?,
        priority: CallPriority = .normal, logger: Logger
    ) async -> ProcessorReply<Value> {
        var data: Data?
        if let body {
            guard let encoded = try? JSONEncoder().encode(body) else {
                return ProcessorReply(outcome: .unavailable(reason: "encoding failed"), exchange: nil)
            }
            data = encoded
        }
        var kept: ProcessorExchange?
        let outcome: ProcessorOutcome<Value> = await paced(
            operation, submission: method == .POST && path == "/requests", priority: priority
        ) {
            let exchange = await httpClient.jsonExchange(
                method, url: configuration.baseURL + path, authorization: configuration.basicAuthorization, body: data,
                timeout: configuration.timeout, maxBytes: configuration.maxResponseBytes, api: "processor",
                logger: logger)
            switch exchange {
            case .answered(let status, let headers, let body):
                kept = kind.map {
                    ProcessorExchange(
                        kind: $0, at: pacer.now, sent: data.map { Array($0) }, status: status,
                        received: Array(buffer: body))
                }
                if let used = headers.first(name: OpenDSRHeaders.rateLimitPercentageUsed).flatMap({ Int($0) }),
                    (200..<300).contains(status)
                {
                    pacer.observe(percentageUsed: used)
                }
                let outcome: ProcessorOutcome<Value> = Self.outcome(
                    status: status, headers: headers, body: body, now: pacer.now, logger: logger)
                if case .badAnswer = outcome {
                    // Never the body: an answer may quote identities.
                    logger.warning(
                        "processor answer unreadable",
                        metadata: [
                            "processor.operation": "\(operation)", "processor.status": "\(status)",
                            "processor.content_type": "\(headers.first(name: "Content-Type")?.prefix(60) ?? "none")",
                            "processor.body_bytes": "\(body.readableBytes)",
                        ])
                }
                return outcome
            case .failed(let reason):
                return .unavailable(reason: reason)
            }
        }
        return ProcessorReply(outcome: outcome, exchange: kept)
    }

    /// Every processor call goes through here: the pacer admits it (or it is answered `.held`), a 429 pauses every
    /// caller, its reachability feeds the circuit breaker, and the observer hears of it.
    func paced<Value>(
        _ operation: String, submission: Bool = false, priority: CallPriority = .normal,
        _ send: () async -> ProcessorOutcome<Value>
    ) async -> ProcessorOutcome<Value> {
        if let held = await pacer.admit(submission: submission, priority: priority) {
            return .held(reason: held.reason, retryAfter: held.wait)
        }
        let started = ContinuousClock.now
        let outcome = await send()
        if case .rateLimited(let retryAfter) = outcome { await pacer.pause(for: retryAfter) }
        pacer.record(reachable: !outcome.isUnavailable)
        observer?(operation, outcome.label, ContinuousClock.now - started)
        return outcome
    }

    static func outcome<Value: Decodable>(
        status: Int, headers: HTTPHeaders, body: ByteBuffer, now: Date, logger: Logger
    ) -> ProcessorOutcome<Value> {
        guard (200..<300).contains(status) else {
            return failure(status: status, headers: headers, body: body, now: now, logger: logger)
        }
        if let empty = EmptyBody() as? Value { return .success(empty) }
        guard let value = try? JSONDecoder().decode(Value.self, from: body) else {
            return .badAnswer(reason: "a \(status) answer that is not the expected JSON")
        }
        return .success(value)
    }

    /// Maps a non-2xx answer (docs/upstream-apis.md, "Errors").
    static func failure<Value>(
        status: Int, headers: HTTPHeaders, body: ByteBuffer, now: Date, logger: Logger
    ) -> ProcessorOutcome<Value> {
        switch status {
        case 400:
            let message = (try? JSONDecoder().decode(ProcessorErrorBody.self, from: body))?.message ?? "invalid request"
            if message.localizedCaseInsensitiveContains("already exists") { return .duplicateId }
            // mParticle's free text may quote identity values: it never goes into logs, audit or answers.
            return .rejected(status: status, message: "the processor refused the request as invalid")
        case 404: return .notFound
        case 409: return .inProgressDuplicate
        case 410: return .gone
        default:
            return .failure(status: status, headers: headers, message: "unexpected status", now: now, logger: logger)
        }
    }
}

extension ProcessorOutcome {
    /// Whether the processor could not be reached or failed (5xx): what the circuit breaker counts.
    var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}

/// A 2xx answer whose body we do not need.
struct EmptyBody: Decodable, Sendable {}

/// A failure of a client call that has no outcome mapping (certificate download).
package struct OpenDSRClientError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}

extension ProcessorOutcome {
    /// Transforms the success value, keeping every other outcome.
    package func map<Other: Sendable>(_ transform: (Value) -> Other) -> ProcessorOutcome<Other> {
        switch self {
        case .success(let value): .success(transform(value))
        case .duplicateId: .duplicateId
        case .inProgressDuplicate: .inProgressDuplicate
        case .notFound: .notFound
        case .gone: .gone
        case .rejected(let status, let message): .rejected(status: status, message: message)
        case .unauthorized(let status): .unauthorized(status: status)
        case .rateLimited(let retryAfter): .rateLimited(retryAfter: retryAfter)
        case .unavailable(let reason): .unavailable(reason: reason)
        case .badAnswer(let reason): .badAnswer(reason: reason)
        case .held(let reason, let retryAfter): .held(reason: reason, retryAfter: retryAfter)
        }
    }
}

extension Duration {
    /// Whole milliseconds, for log fields.
    package var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
