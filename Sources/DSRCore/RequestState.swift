/// Lifecycle state of a data subject request (docs/design.md, "Request lifecycle").
///
/// States only move forward: (`awaiting_approval` →) `queued` → `pending` → `in_progress` → `completed` |
/// `cancelled`, and `failed` from any non-terminal state. A processor may skip states (e.g. `pending` →
/// `completed`), so the rule is a rank comparison, not a list of edges.
package enum RequestState: String, Codable, Sendable, CaseIterable {
    /// Accepted and durable, held until a second person approves it (`approval.required`); nothing is sent meanwhile.
    case awaitingApproval = "awaiting_approval"
    /// Accepted and durable, not yet acknowledged by the processor.
    case queued
    case pending
    case inProgress = "in_progress"
    case completed
    case cancelled
    /// Rejected for good by the processor, or not deliverable within the retry budget.
    case failed

    /// Terminal states never change again.
    package var isTerminal: Bool {
        switch self {
        case .completed, .cancelled, .failed: true
        case .awaitingApproval, .queued, .pending, .inProgress: false
        }
    }

    /// The states of a request the processor has and is working on: what the reconciliation poller re-reads.
    package static let atProcessor: [RequestState] = [.pending, .inProgress]

    private var rank: Int {
        switch self {
        case .awaitingApproval: -1
        case .queued: 0
        case .pending: 1
        case .inProgress: 2
        case .completed, .cancelled, .failed: 3
        }
    }

    /// Whether moving from `self` to `next` is a forward move. Repeating the current state is not a move. A request
    /// held for approval only leaves it by a person's hand (queued, cancelled or denied): no processor report can
    /// move it, since the processor has never seen it.
    package func canMove(to next: RequestState) -> Bool {
        if self == .awaitingApproval { return [.queued, .cancelled, .failed].contains(next) }
        return !isTerminal && next.rank > rank
    }

    /// The gateway state for an OpenDSR `request_status` value, or nil for an unknown value.
    package init?(processorStatus: String) {
        switch processorStatus {
        case "pending": self = .pending
        case "in_progress": self = .inProgress
        case "completed": self = .completed
        case "cancelled": self = .cancelled
        default: return nil
        }
    }
}
