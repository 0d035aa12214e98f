import DSRCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Persistence
import Testing
import TestSupport

/// `approval.required`: new requests wait in `awaiting_approval` (nothing is sent, the deadline runs) until a key with
/// `requests:approve` other than the submitter's approves or denies them. Through the real router and SQLite file.
@Suite struct ApprovalAPITests {
    static let erasure = #"{"regulation":"gdpr","type":"erasure","subjectId":"customer-9"}"#

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func decide(
        _ client: some TestClientProtocol, _ id: String, _ action: String, key: String, reason: String? = nil
    ) async throws -> TestResponse {
        let body = try reason.map { try JSONSerialization.data(withJSONObject: ["reason": $0]) } ?? Data("{}".utf8)
        return try await client.execute(
            uri: "/data-subject-requests/\(id)/\(action)", method: .post,
            headers: [.contentType: "application/json", .authorization: "Bearer \(key)"],
            body: ByteBuffer(data: body))
    }

    @Test func aRequestIsHeldUntilASecondPersonApprovesIt() async throws {
        try await RouterHarness.with(approvalRequired: true) { harness, client in
            let submitted = try Self.json(try await client.submit(Self.erasure, key: RouterHarness.clerkKey))
            let id = try #require(submitted["id"] as? String)
            #expect(submitted["state"] as? String == "awaiting_approval")
            // Held: the dispatcher finds nothing to deliver, and the deadline watch counts it.
            let now = harness.clock.now
            #expect(try await harness.store.claimDue(at: now, leaseUntil: now + 60, limit: 10).isEmpty)
            #expect(try await harness.store.atRisk(deadlineBefore: now + 40 * 86_400, limit: 10).count == 1)

            // The submitter's own key, even with the scope, cannot decide; a key without the scope is refused.
            let withoutScope = try await Self.decide(client, id, "approve", key: RouterHarness.clerkKey)
            #expect(withoutScope.status == .forbidden)
            let approved = try await Self.decide(client, id, "approve", key: RouterHarness.writerKey)
            #expect(approved.status == .ok)
            let body = try Self.json(approved)
            #expect(body["state"] as? String == "queued")
            let last = try #require((body["audit"] as? [[String: Any]])?.last)
            #expect(last["event"] as? String == "approved" && last["principal"] as? String == "writer")
            #expect(try await harness.store.claimDue(at: now, leaseUntil: now + 60, limit: 10).count == 1)

            let again = try await Self.decide(client, id, "approve", key: RouterHarness.writerKey)
            #expect(again.status == .conflict)
            #expect(try APIErrorBody(again).code == "not_awaiting_approval")
        }
    }

    @Test func theSubmitterCannotApproveItsOwnRequest() async throws {
        try await RouterHarness.with(approvalRequired: true) { _, client in
            let id = try #require(try Self.json(try await client.submit(Self.erasure))["id"] as? String)
            let own = try await Self.decide(client, id, "approve", key: RouterHarness.writerKey)
            #expect(own.status == .conflict)
            #expect(try APIErrorBody(own).code == "own_request")
        }
    }

    @Test func aDenialFailsTheRequestResolvedAsRefusedWithTheReason() async throws {
        try await RouterHarness.with(approvalRequired: true) { harness, client in
            let id = try #require(
                try Self.json(try await client.submit(Self.erasure, key: RouterHarness.clerkKey))["id"] as? String)
            let noReason = try await Self.decide(client, id, "deny", key: RouterHarness.writerKey)
            #expect(noReason.status == .badRequest)
            #expect(try APIErrorBody(noReason).code == "missing_field")
            let denied = try await Self.decide(
                client, id, "deny", key: RouterHarness.writerKey, reason: "identity not verified")
            #expect(denied.status == .ok)
            let body = try Self.json(denied)
            #expect(body["state"] as? String == "failed")
            let resolution = try #require(body["resolution"] as? [String: Any])
            #expect(resolution["outcome"] as? String == "refused")
            #expect(resolution["reason"] as? String == "identity not verified")
            // A decision, not an unserved request: off the deadline watch.
            let now = harness.clock.now
            #expect(try await harness.store.atRisk(deadlineBefore: now + 40 * 86_400, limit: 10).isEmpty)
        }
    }

    @Test func aHeldRequestCanBeCancelledAndWithoutApprovalNothingIsHeld() async throws {
        try await RouterHarness.with(approvalRequired: true) { _, client in
            let id = try #require(
                try Self.json(try await client.submit(Self.erasure, key: RouterHarness.clerkKey))["id"] as? String)
            let cancelled = try await client.execute(
                uri: "/data-subject-requests/\(id)", method: .delete,
                headers: [.authorization: "Bearer \(RouterHarness.clerkKey)"])
            #expect(try Self.json(cancelled)["state"] as? String == "cancelled")
        }
        try await RouterHarness.with { _, client in
            let submitted = try Self.json(try await client.submit(Self.erasure))
            #expect(submitted["state"] as? String == "queued")
        }
    }
}
