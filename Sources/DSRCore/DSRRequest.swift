import Foundation

/// A data subject request as the gateway stores it.
package struct DSRRequest: Codable, Sendable, Equatable {
    /// Our id, which is also the OpenDSR `subject_request_id` (lowercase UUID v4).
    package var id: UUID
    package var regulation: Regulation
    package var type: RequestType
    package var subject: SubjectIdentity
    package var source: RequestSource
    package var state: RequestState
    /// When the controller received the request: the submission's `receivedAt`, else when the gateway accepted it. The
    /// deadline runs from it, and it is the OpenDSR `submitted_time`.
    package var receivedAt: Date
    /// The regulatory deadline for answering the data subject.
    package var deadline: Date
    package var processor: ProcessorFields
    /// The results archive of an access or portability request.
    package var results: ResultsRecord
    /// The Events API "erasure requested" attributes of an erasure request.
    package var erasureAttributes: ErasureAttributesRecord
    /// Delivery attempts made by the dispatcher.
    package var attempts: Int
    /// The last delivery or processing error, without personal data.
    package var lastError: String?
    /// Earliest time of the next attempt: delivery while queued, the results download once completed.
    package var nextAttemptAt: Date?
    /// The client's idempotency key, scoped to the API key that sent it (``scopedIdempotencyKey(_:principal:)``), so
    /// two clients choosing the same key never meet; unique across requests.
    package var idempotencyKey: String?
    package var updatedAt: Date
    /// The name of the API key that submitted the request (nil for requests stored before keys were recorded).
    package var principal: String?
    /// Set when a person closed a request the gateway could not serve (see ``owesSubject``).
    package var resolution: Resolution?
    /// When the request entered the delivery queue (its acceptance, or its approval); nil while awaiting approval.
    /// The queue's age counts from here, not from ``receivedAt``, which a client may date back.
    package var queuedAt: Date?
    /// When the subject id and email were erased, `privacy.retain_subject_days` after the request finished (``subject``
    /// is then empty; the store keeps only a keyed hash of the customer id).
    package var subjectErasedAt: Date?
    /// Set once a person extended the deadline (``deadline`` is then the extended one).
    package var deadlineExtension: DeadlineExtension?

    package init(
        id: UUID, regulation: Regulation, type: RequestType, subject: SubjectIdentity, source: RequestSource,
        receivedAt: Date, deadline: Date, idempotencyKey: String? = nil, acceptedAt: Date? = nil
    ) {
        self.id = id
        self.regulation = regulation
        self.type = type
        self.subject = subject
        self.source = source
        self.state = .queued
        self.receivedAt = receivedAt
        self.deadline = deadline
        self.processor = ProcessorFields()
        self.results = ResultsRecord()
        self.erasureAttributes = ErasureAttributesRecord()
        self.attempts = 0
        self.lastError = nil
        self.nextAttemptAt = acceptedAt ?? receivedAt
        self.idempotencyKey = idempotencyKey
        self.updatedAt = acceptedAt ?? receivedAt
        self.queuedAt = acceptedAt ?? receivedAt
    }

    /// An idempotency key as stored: the API key's name, a colon, the client's key. Key names cannot contain a colon
    /// (it separates the fields of `api.keys`), so the pair is unambiguous.
    package static func scopedIdempotencyKey(_ key: String, principal: String?) -> String {
        "\(principal ?? ""):\(key)"
    }

    /// The OpenDSR spelling of the id: lowercase.
    package var subjectRequestId: String { id.uuidString.lowercased() }

    /// The id mParticle knows this request by: its own, or for a follower (``ProcessorFields/follows``) the id of the
    /// request it follows. Status reads use it; nothing is ever sent to mParticle under another request's id otherwise.
    package var processorRequestId: String { processor.follows?.uuidString.lowercased() ?? subjectRequestId }
}

/// What the processor told us about a request.
package struct ProcessorFields: Codable, Sendable, Equatable {
    package var controllerId: String?
    package var expectedCompletionTime: Date?
    package var resultsURL: String?
    package var receivedTime: Date?
    /// Our request whose processor request this one follows: the processor refused this one (409) because that one,
    /// for the same subject and type, was already in progress there. Its status is then read under that id.
    package var follows: UUID?

    package init(
        controllerId: String? = nil, expectedCompletionTime: Date? = nil, resultsURL: String? = nil,
        receivedTime: Date? = nil, follows: UUID? = nil
    ) {
        self.controllerId = controllerId
        self.expectedCompletionTime = expectedCompletionTime
        self.resultsURL = resultsURL
        self.receivedTime = receivedTime
        self.follows = follows
    }

    /// Fields of `other` that are set win over ours; unset fields keep our values.
    package func merging(_ other: ProcessorFields) -> ProcessorFields {
        ProcessorFields(
            controllerId: other.controllerId ?? controllerId,
            expectedCompletionTime: other.expectedCompletionTime ?? expectedCompletionTime,
            resultsURL: other.resultsURL ?? resultsURL,
            receivedTime: other.receivedTime ?? receivedTime,
            follows: other.follows ?? follows
        )
    }
}
