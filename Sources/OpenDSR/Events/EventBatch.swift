import DSRCore
import Foundation

/// One batch of the mParticle Events API (`POST /v2/events`, one user per batch; docs/upstream-apis.md,
/// "Events API"). Every field is optional; the loosely typed objects are kept as ``JSONValue`` so a batch forwards
/// unchanged.
package struct EventBatch: Codable, Sendable, Equatable {
    package var events: [Event]?
    package var deviceInfo: JSONValue?
    package var applicationInfo: JSONValue?
    package var userAttributes: [String: JSONValue]?
    package var deletedUserAttributes: [String]?
    /// Identity type (`customer_id`, `email`, `other`, …) to value.
    package var userIdentities: [String: String]?
    package var partnerIdentities: JSONValue?
    package var integrationAttributes: JSONValue?
    /// Output only; kept so a batch read back from mParticle round-trips.
    package var schemaVersion: Int?
    /// `production` or `development` (mParticle's default is `production`); see ``Environment``.
    package var environment: String?
    package var context: JSONValue?
    /// Deduplication key, scoped to the Input's API key.
    package var sourceRequestId: String?
    package var mpid: Int64?
    package var ip: String?

    package init(
        events: [Event]? = nil, userAttributes: [String: JSONValue]? = nil, deletedUserAttributes: [String]? = nil,
        userIdentities: [String: String]? = nil, environment: String? = nil
    ) {
        self.events = events
        self.userAttributes = userAttributes
        self.deletedUserAttributes = deletedUserAttributes
        self.userIdentities = userIdentities
        self.environment = environment
    }

    enum CodingKeys: String, CodingKey {
        case events
        case deviceInfo = "device_info"
        case applicationInfo = "application_info"
        case userAttributes = "user_attributes"
        case deletedUserAttributes = "deleted_user_attributes"
        case userIdentities = "user_identities"
        case partnerIdentities = "partner_identities"
        case integrationAttributes = "integration_attributes"
        case schemaVersion = "schema_version"
        case environment
        case context
        case sourceRequestId = "source_request_id"
        case mpid
        case ip
    }

    /// One entry of `events`: `{"data": {...}, "event_type": "custom_event"}`.
    package struct Event: Codable, Sendable, Equatable {
        package var data: [String: JSONValue]?
        package var eventType: String

        package init(eventType: String, data: [String: JSONValue]? = nil) {
            self.eventType = eventType
            self.data = data
        }

        enum CodingKeys: String, CodingKey {
            case data
            case eventType = "event_type"
        }
    }

    /// The values mParticle accepts for `environment`.
    package enum Environment: String, Sendable, CaseIterable {
        case production
        case development
    }

    /// The batch as the compact JSON that goes on the wire (sorted keys, unescaped slashes); its size is what
    /// ``EventBatchLimits`` checks.
    package func jsonBytes() throws -> Data {
        try JSONCoding.encoder().encode(self)
    }
}
