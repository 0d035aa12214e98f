import Foundation

/// How a person closed a request the gateway could not serve by itself (failed, or completed at the processor without
/// results the subject can have): it leaves the deadline watch then, and the audit trail says who closed it and how.
package struct Resolution: Codable, Sendable, Equatable {
    package var outcome: ResolutionOutcome
    /// Why, in the resolver's words (kept with the request, not in the audit trail or the logs).
    package var reason: String
    package var at: Date
    /// The API key that resolved it.
    package var principal: String?

    package init(outcome: ResolutionOutcome, reason: String, at: Date, principal: String?) {
        self.outcome = outcome
        self.reason = reason
        self.at = at
        self.principal = principal
    }
}

/// What became of a request a person resolved.
package enum ResolutionOutcome: String, Codable, Sendable, CaseIterable {
    /// The subject was served by other means (the erasure or the data export was done another way).
    case fulfilledOtherwise = "fulfilled_otherwise"
    /// Lawfully refused (identity not verified, manifestly unfounded or excessive).
    case refused
    /// The subject withdrew the request.
    case withdrawn
}

extension DSRRequest {
    /// Whether the subject still waits for what they asked for, so the deadline watch keeps the request: it is in
    /// flight, or failed, or it completed at the processor but the subject got no data (an access or portability
    /// request whose results were not stored, found empty, or stored and later deleted by retention); and no person
    /// has resolved it. Cancelled requests owe nothing. `owedCondition` in the stores is the same rule in SQL.
    package var owesSubject: Bool {
        guard resolution == nil else { return false }
        switch state {
        case .awaitingApproval, .queued, .pending, .inProgress, .failed: return true
        case .cancelled: return false
        case .completed:
            guard type != .erasure else { return false }
            return ![ResultsStatus.stored, .noData, .deleted].contains(results.status)
        }
    }
}
