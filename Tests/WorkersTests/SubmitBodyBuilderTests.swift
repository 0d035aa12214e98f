import DSRCore
import Foundation
import Testing
import Workers

/// Which identities a submission sends to mParticle: the customer id only, unless `processor.send_email_identity`.
@Suite struct SubmitBodyBuilderTests {
    static let request = DSRRequest(
        id: UUID(), regulation: .gdpr, type: .erasure,
        subject: SubjectIdentity(customerId: "customer-7", email: "person@example.org"), source: .api,
        receivedAt: Date(timeIntervalSince1970: 1_780_000_000), deadline: Date(timeIntervalSince1970: 1_782_000_000))

    /// The `subject_identities` of the body as it goes on the wire.
    static func identities(_ builder: SubmitBodyBuilder) throws -> [String: [String: String]] {
        let body = builder.body(for: request, callbackURL: "https://gateway.test/data-subject-requests/x/callback")
        let json = try #require(
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(body)) as? [String: Any])
        return try #require(json["subject_identities"] as? [String: [String: String]])
    }

    @Test func theEmailStaysHereUnlessConfigured() throws {
        let identities = try Self.identities(SubmitBodyBuilder(skipWaitingPeriod: false))
        #expect(identities == ["controller_customer_id": ["value": "customer-7", "encoding": "raw"]])
    }

    @Test func sendEmailIdentityAddsIt() throws {
        let identities = try Self.identities(SubmitBodyBuilder(skipWaitingPeriod: false, sendEmailIdentity: true))
        #expect(identities["controller_customer_id"] == ["value": "customer-7", "encoding": "raw"])
        #expect(identities["email"] == ["value": "person@example.org", "encoding": "raw"])
    }
}
