/// Body of the 201 answer to `POST /v3/requests` (docs/upstream-apis.md, "Submitting a request").
package struct SubmitResponse: Codable, Sendable, Equatable {
    package var expectedCompletionTime: String?
    package var receivedTime: String
    /// Base64 of the request body. Never logged or stored (OpenDSR §7.3).
    package var encodedRequest: String?
    package var subjectRequestId: String
    package var controllerId: String

    package init(
        expectedCompletionTime: String?, receivedTime: String, encodedRequest: String?, subjectRequestId: String,
        controllerId: String
    ) {
        self.expectedCompletionTime = expectedCompletionTime
        self.receivedTime = receivedTime
        self.encodedRequest = encodedRequest
        self.subjectRequestId = subjectRequestId
        self.controllerId = controllerId
    }

    enum CodingKeys: String, CodingKey {
        case expectedCompletionTime = "expected_completion_time"
        case receivedTime = "received_time"
        case encodedRequest = "encoded_request"
        case subjectRequestId = "subject_request_id"
        case controllerId = "controller_id"
    }
}
