import OpenDSR

/// A lenient decoding of a `POST /v3/requests` body: every field optional so validation can name what is
/// missing, and the mParticle extension's `subject_identities` (absent from the shared `SubmitRequestBody`)
/// is read too.
struct SubmissionPayload: Decodable {
    var regulation: String?
    var subjectRequestId: String?
    var subjectRequestType: String?
    var submittedTime: String?
    var subjectIdentities: [String: SubmitRequestBody.IdentityValue]?
    var statusCallbackUrls: [String]?
    var groupId: String?
    var skipWaitingPeriod: Bool?
    var extensions: [String: ExtensionObject?]?

    /// One entry of `extensions`; only the `opendsr.mparticle.com` one is read.
    struct ExtensionObject: Decodable {
        var skipWaitingPeriod: Bool?
        var subjectIdentities: [String: SubmitRequestBody.IdentityValue]?

        enum CodingKeys: String, CodingKey {
            case skipWaitingPeriod = "skip_waiting_period"
            case subjectIdentities = "subject_identities"
        }
    }

    enum CodingKeys: String, CodingKey {
        case regulation
        case subjectRequestId = "subject_request_id"
        case subjectRequestType = "subject_request_type"
        case submittedTime = "submitted_time"
        case subjectIdentities = "subject_identities"
        case statusCallbackUrls = "status_callback_urls"
        case groupId = "group_id"
        case skipWaitingPeriod = "skip_waiting_period"
        case extensions
    }

    /// The mParticle extension object, if sent.
    var mParticleExtension: ExtensionObject? {
        extensions?[SubmitRequestBody.mParticleExtensionKey] ?? nil
    }
}
