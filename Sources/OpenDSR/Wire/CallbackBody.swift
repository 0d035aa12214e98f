/// Body of a processor status callback (docs/upstream-apis.md, "Callbacks"). `extensions` and `results_url` must
/// be present (nullable); `api_version` and `group_id` are optional.
package struct CallbackBody: Codable, Sendable, Equatable {
    package var controllerId: String
    package var expectedCompletionTime: String?
    package var statusCallbackUrl: String?
    package var subjectRequestId: String
    package var requestStatus: String
    package var resultsUrl: String?
    package var extensions: [String: PartnerForwarding]?
    package var apiVersion: String?
    package var groupId: String?

    package init(
        controllerId: String, expectedCompletionTime: String?, statusCallbackUrl: String?, subjectRequestId: String,
        requestStatus: String, resultsUrl: String?, extensions: [String: PartnerForwarding]? = nil
    ) {
        self.controllerId = controllerId
        self.expectedCompletionTime = expectedCompletionTime
        self.statusCallbackUrl = statusCallbackUrl
        self.subjectRequestId = subjectRequestId
        self.requestStatus = requestStatus
        self.resultsUrl = resultsUrl
        self.extensions = extensions
    }

    enum CodingKeys: String, CodingKey {
        case controllerId = "controller_id"
        case expectedCompletionTime = "expected_completion_time"
        case statusCallbackUrl = "status_callback_url"
        case subjectRequestId = "subject_request_id"
        case requestStatus = "request_status"
        case resultsUrl = "results_url"
        case extensions
        case apiVersion = "api_version"
        case groupId = "group_id"
    }

    /// Strict decoding: `extensions` and `results_url` keys must be present.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        controllerId = try container.decode(String.self, forKey: .controllerId)
        expectedCompletionTime = try container.decodeIfPresent(String.self, forKey: .expectedCompletionTime)
        statusCallbackUrl = try container.decodeIfPresent(String.self, forKey: .statusCallbackUrl)
        subjectRequestId = try container.decode(String.self, forKey: .subjectRequestId)
        requestStatus = try container.decode(String.self, forKey: .requestStatus)
        guard container.contains(.resultsUrl), container.contains(.extensions) else {
            throw DecodingError.keyNotFound(
                CodingKeys.resultsUrl,
                .init(codingPath: [], debugDescription: "results_url and extensions are required"))
        }
        resultsUrl = try container.decodeIfPresent(String.self, forKey: .resultsUrl)
        extensions = try container.decodeIfPresent([String: PartnerForwarding].self, forKey: .extensions)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        groupId = try container.decodeIfPresent(String.self, forKey: .groupId)
    }
}
