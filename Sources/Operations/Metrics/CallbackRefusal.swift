/// Why a callback was refused, when it is not a failed certificate or signature check of an allowed domain: the
/// `reason` label of `dsr_gateway_callbacks_refused_total`. Anyone can send these, so none of them pages anyone.
package enum CallbackRefusal: String, CaseIterable, Sendable {
    case missingDomainHeader = "missing_domain_header"
    case domainNotAllowed = "domain_not_allowed"
    case missingSignature = "missing_signature"
    case malformedSignature = "malformed_signature"
    /// The processor's certificate could not be fetched: no check could be made.
    case certificateUnavailable = "certificate_unavailable"
    case unreadableBody = "unreadable_body"
    case invalidBody = "invalid_body"
    case idMismatch = "id_mismatch"
    case foreignCallbackURL = "foreign_callback_url"
}
