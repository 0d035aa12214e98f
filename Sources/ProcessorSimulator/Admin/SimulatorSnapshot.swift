import DSRCore
import Foundation
import OpenDSR

/// Everything the simulator holds, for tests and soak runs (`snapshot()` / `GET /_sim/requests`).
package struct SimulatorSnapshot: Codable, Sendable, Equatable {
    /// The simulator clock's "now".
    package var now: String
    /// Every request, oldest first.
    package var requests: [RequestSummary]
    /// Callback delivery counters.
    package var callbacks: CallbackDeliveryStats
    /// `/v3` calls refused with 429 or 503, by cause.
    package var refusals: RefusalCounts
    /// The most `/v3` calls the workspace limit counted in any rolling minute so far.
    package var busiestMinute: Int
    /// Every batch `POST /v2/events` accepted, oldest first.
    package var eventBatches: [EventBatchSummary]

    enum CodingKeys: String, CodingKey {
        case now, requests, callbacks, refusals
        case busiestMinute = "busiest_minute"
        case eventBatches = "event_batches"
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
        /// `SubjectIdentity.fingerprint` of the `controller_customer_id` identity, when there is one: lets a soak run
        /// find one subject sent under two ids without the snapshot holding identities.
        package var customerIdFingerprint: String?
        /// Callback copies delivered with a 2xx answer, all status changes and URLs together.
        package var callbacksDelivered: Int
        /// `host:port` of the first status callback URL: which gateway instance delivered the request.
        package var callbackAuthority: String?

        enum CodingKeys: String, CodingKey {
            case subjectRequestId = "subject_request_id"
            case subjectRequestType = "subject_request_type"
            case regulation
            case requestStatus = "request_status"
            case groupId = "group_id"
            case receivedTime = "received_time"
            case expectedCompletionTime = "expected_completion_time"
            case customerIdFingerprint = "customer_id_fingerprint"
            case callbacksDelivered = "callbacks_delivered"
            case callbackAuthority = "callback_authority"
        }
    }

    /// One accepted Events API batch: its shape, with neither identity nor attribute values.
    package struct EventBatchSummary: Codable, Sendable, Equatable {
        package var receivedTime: String
        package var environment: String?
        /// `SubjectIdentity.fingerprint` of `user_identities.customer_id`, when the batch names one.
        package var customerIdFingerprint: String?
        /// The `user_identities` types, sorted.
        package var identityTypes: [String]
        /// The `user_attributes` names, sorted.
        package var userAttributeNames: [String]
        package var eventCount: Int

        init(_ batch: EventBatch, at receivedAt: Date) {
            receivedTime = WireTime.fractional(receivedAt)
            environment = batch.environment
            customerIdFingerprint = batch.userIdentities?["customer_id"].map {
                SubjectIdentity(customerId: $0).fingerprint
            }
            identityTypes = (batch.userIdentities ?? [:]).keys.sorted()
            userAttributeNames = (batch.userAttributes ?? [:]).keys.sorted()
            eventCount = batch.events?.count ?? 0
        }

        enum CodingKeys: String, CodingKey {
            case receivedTime = "received_time"
            case environment
            case customerIdFingerprint = "customer_id_fingerprint"
            case identityTypes = "identity_types"
            case userAttributeNames = "user_attribute_names"
            case eventCount = "event_count"
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
            expectedCompletionTime: WireTime.seconds(plan.expectedCompletion),
            customerIdFingerprint: identities["controller_customer_id"].map {
                SubjectIdentity(customerId: $0).fingerprint
            },
            callbacksDelivered: callbacksDelivered,
            callbackAuthority: callbackURLs.first.flatMap(URLComponents.init(string:)).flatMap { url in
                url.host.map { host in url.port.map { "\(host):\($0)" } ?? host }
            }
        )
    }
}
