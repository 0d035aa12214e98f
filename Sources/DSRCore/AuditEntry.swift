import Foundation

/// One row of the append-only audit trail: who moved which request from what to what, and when.
/// `detail` never holds personal data.
package struct AuditEntry: Codable, Sendable, Equatable {
    package var at: Date
    package var actor: Actor
    package var event: AuditEvent
    package var fromState: RequestState?
    package var toState: RequestState?
    package var detail: String?
    /// The name of the API key whose call caused the entry (nil for the gateway's own workers and the processor).
    package var principal: String?
    /// The SHA-256 (hex) of the ``ProcessorExchange`` that caused the entry (a callback), when one was kept: its
    /// canonical bytes are in `AuditLog.EvidenceRecord`.
    package var evidence: String?

    package init(
        at: Date, actor: Actor, event: AuditEvent, fromState: RequestState? = nil, toState: RequestState? = nil,
        detail: String? = nil, principal: String? = nil, evidence: String? = nil
    ) {
        self.at = at
        self.actor = actor
        self.event = event
        self.fromState = fromState
        self.toState = toState
        self.detail = detail
        self.principal = principal
        self.evidence = evidence
    }

    /// The component (or caller) responsible for an audit entry.
    package enum Actor: String, Codable, Sendable {
        case api
        case baton
        case dispatcher
        case downloader
        /// The Events API sender (erasure attributes).
        case events
        case callback
        case poller
        case operator_ = "operator"
        /// The subject retention (erasing subject ids and emails at the end of `privacy.retain_subject_days`).
        case retention
    }
}
