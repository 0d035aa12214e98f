import Foundation

/// When a request moves: `pending` until `processingStartsAt`, `in_progress` until `completesAt`, then `completed`.
/// A plan whose two times are equal goes straight from `pending` to `completed`.
struct LifecyclePlan: Sendable, Equatable {
    let processingStartsAt: Date
    let completesAt: Date
    /// What `expected_completion_time` reports: scheduled processing time plus the configured margin.
    let expectedCompletion: Date
}
