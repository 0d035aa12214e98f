import Foundation

/// Body of `POST /v3/requests` (docs/upstream-apis.md, "Submitting a request").
package struct SubmitRequestBody: Codable, Sendable, Equatable {
    package var regulation: String
    package var subjectRequestId: String
    package var subjectRequestType: String
    package var submittedTime: String
    package var subjectIdentities: [String: IdentityValue]
    package var apiVersion: String?
    package var statusCallbackUrls: [String]?
    package var groupId: String?
    /// Accepted here too (the docs' field table); we send it in `extensions` like the docs' example.
    package var skipWaitingPeriod: Bool?
    package var extensions: [String: ExtensionSettings]?

    package init(
        regulation: String, subjectRequestId: String, subjectRequestType: String, submittedTime: String,
        subjectIdentities: [String: IdentityValue], apiVersion: String? = "3.0", statusCallbackUrls: [String]? = nil,
        groupId: String? = nil, skipWaitingPeriod: Bool? = nil, extensions: [String: ExtensionSettings]? = nil
    ) {
        self.regulation = regulation
        self.subjectRequestId = subjectRequestId
        self.subjectRequestType = subjectRequestType
        self.submittedTime = submittedTime
        self.subjectIdentities = subjectIdentities
        self.apiVersion = apiVersion
        self.statusCallbackUrls = statusCallbackUrls
        self.groupId = groupId
        self.skipWaitingPeriod = skipWaitingPeriod
        self.extensions = extensions
    }

    enum CodingKeys: String, CodingKey {
        case regulation
        case subjectRequestId = "subject_request_id"
        case subjectRequestType = "subject_request_type"
        case submittedTime = "submitted_time"
        case subjectIdentities = "subject_identities"
        case apiVersion = "api_version"
        case statusCallbackUrls = "status_callback_urls"
        case groupId = "group_id"
        case skipWaitingPeriod = "skip_waiting_period"
        case extensions
    }

    /// One identity: `{"value": "...", "encoding": "raw"}`.
    package struct IdentityValue: Codable, Sendable, Equatable {
        package var value: String
        package var encoding: String

        package init(value: String, encoding: String = "raw") {
            self.value = value
            self.encoding = encoding
        }
    }

    /// `extensions["opendsr.mparticle.com"]`.
    package struct ExtensionSettings: Codable, Sendable, Equatable {
        package var skipWaitingPeriod: Bool?

        package init(skipWaitingPeriod: Bool? = nil) { self.skipWaitingPeriod = skipWaitingPeriod }

        enum CodingKeys: String, CodingKey {
            case skipWaitingPeriod = "skip_waiting_period"
        }
    }

    /// The extension key mParticle reads.
    package static let mParticleExtensionKey = "opendsr.mparticle.com"
}
