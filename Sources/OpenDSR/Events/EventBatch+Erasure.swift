import DSRCore
import Foundation

extension EventBatch {
    /// The batch Guardian uploads before submitting an erasure, marking the profile "erasure requested"
    /// (docs/upstream-apis.md, "Events API"): three user attributes, the `customer_id` identity and the
    /// environment, nothing else.
    package static func erasureRequested(
        customerId: String, submittedAt: Date, environment: Environment
    ) -> EventBatch {
        EventBatch(
            userAttributes: [
                "dsr_erasure_requested": .bool(true),
                "dsr_erasure_status": .string("requested"),
                "dsr_erasure_date": .string(Timestamp.format(submittedAt)),
            ],
            userIdentities: ["customer_id": customerId],
            environment: environment.rawValue)
    }
}
