import DSRCore
import Foundation

/// One subject request as the simulated processor stores it.
///
/// Holds the subject's identities (needed for the 409 rule and the results archive); they are never logged.
struct SimulatedRequest: Sendable {
    let id: String
    let regulation: Regulation
    let type: RequestType
    /// Identity type → raw value, top-level and `extensions` identities merged.
    let identities: [String: String]
    let groupId: String?
    let callbackURLs: [String]
    let skipWaitingPeriod: Bool
    let receivedAt: Date
    let plan: LifecyclePlan
    var status: ProcessorRequestStatus
    /// When the request reached `completed`: the scheduled completion time, so link expiry is deterministic.
    var completedAt: Date?
    /// Callback copies delivered with a 2xx answer.
    var callbacksDelivered: Int = 0

    /// The 409 rule's key: same identities, extensions (the waiting-period choice) and type.
    var duplicateKey: SubmissionKey {
        SubmissionKey(type: type, identities: identities, skipWaitingPeriod: skipWaitingPeriod)
    }

    /// Whether a results archive exists for this request right now.
    var hasResults: Bool { type.producesResults && status == .completed }
}

/// Identifies "the same request" for mParticle's 409 in-progress duplicate rule.
struct SubmissionKey: Hashable, Sendable {
    let type: RequestType
    let identities: [String: String]
    let skipWaitingPeriod: Bool
}
