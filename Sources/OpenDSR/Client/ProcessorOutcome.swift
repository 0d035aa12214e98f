import DSRCore
import Foundation

/// What a processor call came to, mapped from HTTP statuses as docs/upstream-apis.md ("Errors") says.
package enum ProcessorOutcome<Value: Sendable>: Sendable {
    /// 2xx with a decodable body.
    case success(Value)
    /// 400 "Subject request already exists": this `subject_request_id` was accepted before.
    case duplicateId
    /// 409: the processor has an in-progress request with the same identities and type.
    case inProgressDuplicate
    /// 404: unknown id (or, for a results link, no matching records).
    case notFound
    /// 410: the results link expired.
    case gone
    /// 400 for any other reason: the processor refuses this request for good.
    case rejected(status: Int, message: String)
    /// 401/403: our credentials are wrong. Retrying will not help until configuration changes.
    case unauthorized(status: Int)
    /// 429: wait `retryAfter` seconds (nil when the header was missing).
    case rateLimited(retryAfter: TimeInterval?)
    /// 5xx, timeout or connection failure: worth retrying; what the circuit breaker counts.
    case unavailable(reason: String)
    /// A 2xx whose body could not be read as the API's JSON (truncated, wrongly shaped, another content type): the
    /// processor answered, so the circuit breaker does not count it, but the call is retried with backoff.
    case badAnswer(reason: String)
    /// Not sent: the shared pacer holds calls back (a 429 pause or an open circuit) for `retryAfter` seconds.
    case held(reason: String, retryAfter: TimeInterval)
}

/// A processor call's outcome and, when the processor answered, the exchange as it passed (the body sent, the
/// answer's status and body): the evidence kept with the change the answer causes.
package struct ProcessorReply<Value: Sendable>: Sendable {
    package var outcome: ProcessorOutcome<Value>
    package var exchange: ProcessorExchange?

    package init(outcome: ProcessorOutcome<Value>, exchange: ProcessorExchange?) {
        self.outcome = outcome
        self.exchange = exchange
    }
}

extension ProcessorOutcome {
    /// A short description without personal data, for logs and `last_error`.
    package var summary: String {
        switch self {
        case .success: "success"
        case .duplicateId: "processor already has this subject_request_id (400)"
        case .inProgressDuplicate: "processor has an in-progress request for the same subject and type (409)"
        case .notFound: "not found (404)"
        case .gone: "gone (410)"
        case .rejected(let status, let message): "rejected (\(status)): \(message)"
        case .unauthorized(let status): "processor refused our credentials (\(status))"
        case .rateLimited(let retryAfter):
            "rate limited (429), retry after \(retryAfter.map { "\($0.wholeSecondsForDisplay) s" } ?? "unknown")"
        case .unavailable(let reason): "processor unavailable: \(reason)"
        case .badAnswer(let reason): "unreadable answer: \(reason)"
        case .held(let reason, let retryAfter): "not sent, \(reason); retry in \(retryAfter.wholeSecondsForDisplay) s"
        }
    }
}

extension ProcessorOutcome {
    /// A bounded label for metrics.
    package var label: String {
        switch self {
        case .success: "success"
        case .duplicateId: "duplicate_id"
        case .inProgressDuplicate: "in_progress_duplicate"
        case .notFound: "not_found"
        case .gone: "gone"
        case .rejected: "rejected"
        case .unauthorized: "unauthorized"
        case .rateLimited: "rate_limited"
        case .unavailable: "unavailable"
        case .badAnswer: "bad_answer"
        case .held: "held"
        }
    }
}
