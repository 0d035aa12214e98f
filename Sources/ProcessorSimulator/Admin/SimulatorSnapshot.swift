import DSRCore

/// Everything the simulator holds, for tests and soak runs (`snapshot()` / `GET /_sim/requests`).
package struct SimulatorSnapshot: Codable, Sendable, Equatable {
    /// The simulator clock's "now".
    package var now: String
    /// Every request, oldest first.
    package var requests: [RequestSummary]
    /// Callback delivery counters.
    package var callbacks: CallbackDeliveryStats

    enum CodingKeys: String, CodingKey {
        case now, requests, callbacks
    }

    /// One request, without its identities.
    package struct RequestSummary: Codable, Sendable, Equatable {
        package var subjectRequestId: String
        package var subjectRequestType: String
        package var regulation: String
        package var requestStatus: String
        package var groupId: String?
        package var receivedTime: String
        package var expectedCompletionTime: String
        /// Callback copies delivered with a 2xx answer, all status changes and URLs together.
        package var callbacksDelivered: Int

        enum CodingKeys: String, CodingKey {
            case subjectRequestId = "subject_request_id"
            case subjectRequestType = "subject_request_type"
            case regulation
            case requestStatus = "request_status"
            case groupId = "group_id"
            case receivedTime = "received_time"
            case expectedCompletionTime = "expected_completion_time"
            case callbacksDelivered = "callbacks_delivered"
        }
    }
}

extension SimulatedRequest {
    /// This request in the admin listing.
    var summary: SimulatorSnapshot.RequestSummary {
        .init(
            subjectRequestId: id, subjectRequestType: type.rawValue, regulation: regulation.rawValue,
            requestStatus: status.rawValue, groupId: groupId,
            receivedTime: WireTime.fractional(receivedAt),
            expectedCompletionTime: WireTime.seconds(plan.expectedCompletion), callbacksDelivered: callbacksDelivered
        )
    }
}
