import DSRCore
import OpenDSR

/// Builds the OpenDSR `POST /requests` body for a stored request (the shape Guardian sends; docs/upstream-apis.md,
/// "Submitting a request").
package struct SubmitBodyBuilder: Sendable {
    /// Whether to ask mParticle to skip the 7-day cancellable waiting period of erasures.
    package var skipWaitingPeriod: Bool
    /// Whether the subject's email goes to mParticle as a second identity. Off by default: the original Lambda sent
    /// the customer id only, and an email widens the erasure to every profile holding it and shares more data.
    package var sendEmailIdentity: Bool

    package init(skipWaitingPeriod: Bool, sendEmailIdentity: Bool = false) {
        self.skipWaitingPeriod = skipWaitingPeriod
        self.sendEmailIdentity = sendEmailIdentity
    }

    package func body(for request: DSRRequest, callbackURL: String) -> SubmitRequestBody {
        var identities = ["controller_customer_id": SubmitRequestBody.IdentityValue(value: request.subject.customerId)]
        if sendEmailIdentity, let email = request.subject.email {
            identities["email"] = SubmitRequestBody.IdentityValue(value: email)
        }
        return SubmitRequestBody(
            regulation: request.regulation.rawValue,
            subjectRequestId: request.subjectRequestId,
            subjectRequestType: request.type.rawValue,
            submittedTime: Timestamp.format(request.receivedAt),
            subjectIdentities: identities,
            statusCallbackUrls: [callbackURL],
            extensions: skipWaitingPeriod
                ? [SubmitRequestBody.mParticleExtensionKey: .init(skipWaitingPeriod: true)] : nil
        )
    }
}
