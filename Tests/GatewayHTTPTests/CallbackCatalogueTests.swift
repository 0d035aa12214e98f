import DSRCore
import Foundation
import GatewayHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Persistence
import ProcessorSimulator
import Testing
import TestSupport

/// Every way a callback must be refused, through the real route, verifier and SQLite store: each is refused
/// and leaves the request and its audit trail exactly as they were.
@Suite struct CallbackCatalogueTests {
    enum Refusal: String, CaseIterable, Sendable {
        case noDomainHeader, unknownDomain, selfSignedLeaf, untrustedRoot, wrongName, expired, notYetValid
        case bodyByteChanged, signedByAnotherKey, malformedBase64, missingSignature, pathIdMismatch
        case foreignCallbackURL
    }

    @Test(arguments: Refusal.allCases)
    func refusedWithNothingChanged(_ refusal: Refusal) async throws {
        let served: GeneratedChain =
            switch refusal {
            case .selfSignedLeaf: PKIFixtures.selfSigned
            case .untrustedRoot: PKIFixtures.untrusted
            case .wrongName: PKIFixtures.wrongName
            case .expired: PKIFixtures.expired
            case .notYetValid: PKIFixtures.notYetValid
            default: PKIFixtures.good
            }
        try await RouterHarness.with(chainPEM: served.chainPEM, trustRoots: PKIFixtures.trustRoots, at: PKIFixtures.now)
        {
            harness, client in
            let request = try await harness.seed(state: .pending)
            let other = try await harness.seed(state: .pending)
            let auditBefore = try await harness.store.auditTrail(id: request.id)
            let callbackURL =
                refusal == .foreignCallbackURL
                ? "https://attacker.example/data-subject-requests/\(request.subjectRequestId)/callback"
                : RouterHarness.callbackURL(request.id)
            let body = CallbackFixture.body(id: request.subjectRequestId, status: "completed", callbackURL: callbackURL)
            let signer = refusal == .signedByAnotherKey ? PKIFixtures.rotated.signer : served.signer
            var signature: String? = try signer.signature(for: body)
            if refusal == .malformedBase64 { signature = "%%not-base64%%" }
            if refusal == .missingSignature { signature = nil }
            var sent = body
            if refusal == .bodyByteChanged { sent[sent.firstIndex(of: UInt8(ascii: "3"))!] = UInt8(ascii: "4") }
            let domain: String? =
                switch refusal {
                case .noDomainHeader: nil
                case .unknownDomain: "opendsr.attacker.example"
                default: PKIFixtures.domain
                }
            let pathId = refusal == .pathIdMismatch ? other.subjectRequestId : request.subjectRequestId
            let response = try await CallbackFixture.post(
                client, pathId: pathId, body: sent, domain: domain, signature: signature)

            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body).contains("callback_unauthenticated"))
            #expect(try await harness.store.request(id: request.id) == request)
            #expect(try await harness.store.auditTrail(id: request.id) == auditBefore)
            #expect(try await harness.store.request(id: other.id)?.state == .pending)
            // Kept as sent, for `dsr-gateway callback refused`.
            let kept = try await harness.store.refusedCallbacks(limit: 10)
            #expect(kept.count == 1)
            #expect(kept.first?.body == sent)
            #expect(kept.first?.domain == domain && kept.first?.signature == signature)
            #expect(kept.first?.claimedId == pathId)
        }
    }

    @Test func validCallbackIsAppliedDurablyBeforeTheAnswer() async throws {
        try await RouterHarness.with(
            chainPEM: PKIFixtures.good.chainPEM, trustRoots: PKIFixtures.trustRoots, at: PKIFixtures.now
        ) { harness, client in
            let request = try await harness.seed(state: .pending)
            let body = CallbackFixture.body(
                id: request.subjectRequestId, status: "completed", callbackURL: RouterHarness.callbackURL(request.id))
            let response = try await CallbackFixture.post(
                client, pathId: request.subjectRequestId, body: body, domain: PKIFixtures.domain,
                signature: try PKIFixtures.good.signer.signature(for: body))
            #expect(response.status == .accepted)
            let stored = try #require(try await harness.store.request(id: request.id))
            #expect(stored.state == .completed)
            let last = try #require(try await harness.store.auditTrail(id: request.id).last)
            #expect(last.actor == .callback && last.fromState == .pending && last.toState == .completed)
        }
    }

    @Test func validSignatureOverInvalidJSONIsA400WithNothingChanged() async throws {
        try await RouterHarness.with(
            chainPEM: PKIFixtures.good.chainPEM, trustRoots: PKIFixtures.trustRoots, at: PKIFixtures.now
        ) { harness, client in
            let request = try await harness.seed(state: .pending)
            let body = Array(#"{"subject_request_id": "#.utf8)
            let response = try await CallbackFixture.post(
                client, pathId: request.subjectRequestId, body: body, domain: PKIFixtures.domain,
                signature: try PKIFixtures.good.signer.signature(for: body))
            #expect(response.status == .badRequest)
            #expect(try await harness.store.request(id: request.id) == request)
        }
    }

    @Test func replayOfAnOlderStatusIsAcceptedWithoutMovingBack() async throws {
        try await RouterHarness.with(
            chainPEM: PKIFixtures.good.chainPEM, trustRoots: PKIFixtures.trustRoots, at: PKIFixtures.now
        ) { harness, client in
            let request = try await harness.seed(state: .pending)
            for status in ["in_progress", "completed"] {
                let body = CallbackFixture.body(
                    id: request.subjectRequestId, status: status, callbackURL: RouterHarness.callbackURL(request.id))
                _ = try await CallbackFixture.post(
                    client, pathId: request.subjectRequestId, body: body, domain: PKIFixtures.domain,
                    signature: try PKIFixtures.good.signer.signature(for: body))
            }
            let completed = try #require(try await harness.store.request(id: request.id))
            let auditAfterCompletion = try await harness.store.auditTrail(id: request.id)
            for status in ["pending", "in_progress", "completed"] {
                let body = CallbackFixture.body(
                    id: request.subjectRequestId, status: status, callbackURL: RouterHarness.callbackURL(request.id))
                let response = try await CallbackFixture.post(
                    client, pathId: request.subjectRequestId, body: body, domain: PKIFixtures.domain,
                    signature: try PKIFixtures.good.signer.signature(for: body))
                #expect(response.status == .accepted)
            }
            #expect(completed.state == .completed)
            #expect(try await harness.store.request(id: request.id) == completed)
            #expect(try await harness.store.auditTrail(id: request.id) == auditAfterCompletion)
        }
    }
}

/// Builds and sends processor callbacks.
enum CallbackFixture {
    /// A compact callback body in mParticle's key order.
    static func body(id: String, status: String, callbackURL: String) -> [UInt8] {
        Array(
            (#"{"controller_id":"3622","expected_completion_time":"2025-06-20T00:00:00Z","status_callback_url":""#
                + callbackURL + #"","subject_request_id":""# + id + #"","request_status":""# + status
                + #"","results_url":null,"extensions":null}"#).utf8)
    }

    static func post(
        _ client: any TestClientProtocol, pathId: String, body: [UInt8], domain: String?, signature: String?
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let domain { headers[HTTPField.Name("X-OpenDSR-Processor-Domain")!] = domain }
        if let signature { headers[HTTPField.Name("X-OpenDSR-Signature")!] = signature }
        return try await client.execute(
            uri: "/data-subject-requests/\(pathId)/callback", method: .post, headers: headers,
            body: ByteBuffer(bytes: body))
    }
}
