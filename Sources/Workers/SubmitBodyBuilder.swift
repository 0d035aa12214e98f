import DSRCore
import OpenDSR

/// Builds the OpenDSR `POST /requests` body for a stored request (the shape Guardian sends; docs/upstream-apis.md,
/// "Submitting a request").
package struct SubmitBodyBuilder: Sendable {
    /// Whether to ask mParticle to skip the 7-day cancellable waiting period of erasures.
    package var skipWaitingPeriod: Bool

    package init(skipWaitingPeriod: Bool) {
        self.skipWaitingPeriod = skipWaitingPeriod
    }

    package func body(for request: DSRRequest, callbackURL: String) -> SubmitRequestBody {
        var identities = ["controller_customer_id": SubmitRequestBody.IdentityValue(value: request.subject.customerId)]
        if let email = request.subject.email {
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
