/// Body of `GET /v3/requests/{id}` and each element of `GET /v3/requests?group_id=` (docs/upstream-apis.md,
/// "Request status").
package struct RequestStatusResponse: Codable, Sendable, Equatable {
    package var controllerId: String
    package var expectedCompletionTime: String?
    package var subjectRequestId: String
    package var groupId: String?
    package var requestStatus: String
    package var apiVersion: String?
    package var resultsUrl: String?
    package var extensions: [String: PartnerForwarding]?

    package init(
        controllerId: String, expectedCompletionTime: String?, subjectRequestId: String, groupId: String?,
        requestStatus: String, apiVersion: String? = "3.0", resultsUrl: String?,
        extensions: [String: PartnerForwarding]? = nil
    ) {
        self.controllerId = controllerId
        self.expectedCompletionTime = expectedCompletionTime
        self.subjectRequestId = subjectRequestId
        self.groupId = groupId
        self.requestStatus = requestStatus
        self.apiVersion = apiVersion
        self.resultsUrl = resultsUrl
        self.extensions = extensions
    }

    enum CodingKeys: String, CodingKey {
        case controllerId = "controller_id"
        case expectedCompletionTime = "expected_completion_time"
        case subjectRequestId = "subject_request_id"
        case groupId = "group_id"
        case requestStatus = "request_status"
        case apiVersion = "api_version"
        case resultsUrl = "results_url"
        case extensions
    }
}

/// Per-partner erasure forwarding state (docs/upstream-apis.md, "Erasure forwarding (extensions)").
package struct PartnerForwarding: Codable, Sendable, Equatable {
    package var domain: String?
    package var name: String?
    package var status: String?
    package var statusMessage: String?

    enum CodingKeys: String, CodingKey {
        case domain, name, status
        case statusMessage = "status_message"
    }
}
