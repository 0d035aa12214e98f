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

/// When the deadline runs from (`receivedAt` on submission) and its one extension
/// (`POST /data-subject-requests/{id}/extension`), through the real router on a real SQLite file. The harness clock
/// starts at 2026-01-06T09:00:00Z.
@Suite struct DeadlineAPITests {
    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func submission(receivedAt: String, regulation: String = "gdpr") -> String {
        #"{"regulation":"\#(regulation)","type":"erasure","subjectId":"customer-1","receivedAt":"\#(receivedAt)"}"#
    }

    @Test func theDeadlineRunsFromWhenTheControllerReceivedTheRequest() async throws {
        try await RouterHarness.with { harness, client in
            let response = try await client.submit(Self.submission(receivedAt: "2026-01-01T10:00:00+01:00"))
            #expect(response.status == .accepted)
            let body = try Self.json(response)
            #expect(body["receivedAt"] as? String == "2026-01-01T09:00:00.000Z")
            #expect(body["deadline"] as? String == "2026-02-01T23:59:59.000Z")
            let id = try #require(body["id"] as? String)
            let trail = try await harness.store.auditTrail(id: try #require(UUID(uuidString: id)))
            #expect(
                trail.first?.detail == "gdpr erasure; received by the controller 2026-01-01T09:00:00.000Z; "
                    + "deadline 2026-02-01T23:59:59.000Z")
            #expect(trail.first?.at == harness.clock.now)
            // The queue's age counts from acceptance: a request dated back does not look stuck in the queue.
            #expect(try await harness.store.queueSummary().oldestQueuedAt == harness.clock.now)

            // A few minutes ahead of our clock is clock skew: taken as now.
            let skewed = try Self.json(try await client.submit(Self.submission(receivedAt: "2026-01-06T09:03:00Z")))
            #expect(skewed["receivedAt"] as? String == "2026-01-06T09:00:00.000Z")
        }
    }

    @Test(arguments: [
        ("2026-01-06T09:10:00Z", "gdpr", "receivedAt: must not be in the future."),
        // One month from 5 December 2025 ended on 5 January 2026: already overdue.
        (
            "2025-12-05T12:00:00Z", "gdpr",
            "receivedAt: implies a deadline that has already passed (2026-01-05T23:59:59.000Z)."
        ),
        (
            "2025-11-01T00:00:00Z", "ccpa",
            "receivedAt: implies a deadline that has already passed (2025-12-16T23:59:59.000Z)."
        ),
        ("yesterday", "gdpr", "receivedAt: must be an RFC 3339 time such as 2026-01-31T09:30:00Z."),
    ])
    func aReceiptTimeThatCannotBeTrueIs400AndStoresNothing(receivedAt: String, regulation: String, message: String)
        async throws
    {
        try await RouterHarness.with { harness, client in
            let response = try await client.submit(Self.submission(receivedAt: receivedAt, regulation: regulation))
            #expect(response.status == .badRequest)
            let error = try APIErrorBody(response)
            #expect(error.code == "invalid_field")
            #expect(error.message == message)
            #expect(try await harness.store.countByState().values.reduce(0, +) == 0)
        }
    }

    @Test func anExtensionMovesTheDeadlineOnceAndIsAudited() async throws {
        try await RouterHarness.with { harness, client in
            let submitted = try Self.json(try await client.submit(Self.submission(receivedAt: "2026-01-05T08:00:00Z")))
            let id = try #require(submitted["id"] as? String)
            #expect(submitted["deadline"] as? String == "2026-02-05T23:59:59.000Z")

            let readOnly = try await client.extend(id, reason: "complex", key: RouterHarness.readerKey)
            #expect(readOnly.status == .forbidden)
            #expect(try APIErrorBody(readOnly).code == "insufficient_scope")
            let noReason = try await client.extend(id, body: "{}")
            #expect(noReason.status == .badRequest)
            #expect(try APIErrorBody(noReason).code == "missing_field")
            let blank = try await client.extend(id, reason: "   ")
            #expect(blank.status == .badRequest)
            #expect(try APIErrorBody(blank).message == "reason: must not be empty.")
            let unknown = try await client.extend(UUID().uuidString.lowercased(), reason: "complex")
            #expect(unknown.status == .notFound)

            let extended = try await client.extend(id, reason: "many systems to search")
            #expect(extended.status == .ok)
            let body = try Self.json(extended)
            #expect(body["deadline"] as? String == "2026-04-05T23:59:59.000Z")
            let grant = try #require(body["deadlineExtension"] as? [String: Any])
            #expect(grant["previousDeadline"] as? String == "2026-02-05T23:59:59.000Z")
            #expect(grant["reason"] as? String == "many systems to search")
            #expect(grant["principal"] as? String == "writer")
            let last = try #require((body["audit"] as? [[String: Any]])?.last)
            #expect(last["event"] as? String == "deadline_extended" && last["principal"] as? String == "writer")
            #expect(
                last["detail"] as? String
                    == "deadline extended from 2026-02-05T23:59:59.000Z to 2026-04-05T23:59:59.000Z")

            let twice = try await client.extend(id, reason: "again")
            #expect(twice.status == .conflict)
            #expect(try APIErrorBody(twice).code == "already_extended")
            let trail = try await harness.store.auditTrail(id: try #require(UUID(uuidString: id)))
            #expect(trail.filter { $0.event == .deadlineExtended }.count == 1)
        }
    }

    @Test func onlyAnOwedDeadlineThatHasNotPassedCanBeExtended() async throws {
        try await RouterHarness.with { harness, client in
            // Received 6 December 2025: the deadline is the end of 6 January 2026, today.
            let late = try Self.json(try await client.submit(Self.submission(receivedAt: "2025-12-06T08:00:00Z")))
            let lateId = try #require(late["id"] as? String)
            let cancelled = try await harness.seed(state: .cancelled)
            harness.clock.advance(by: 86_400)

            let passed = try await client.extend(lateId, reason: "too late")
            #expect(passed.status == .conflict)
            #expect(try APIErrorBody(passed).code == "deadline_passed")
            let owesNothing = try await client.extend(cancelled.subjectRequestId, reason: "nothing owed")
            #expect(owesNothing.status == .conflict)
            #expect(try APIErrorBody(owesNothing).code == "not_extendable")
            let stored = try await harness.store.request(id: try #require(UUID(uuidString: lateId)))
            #expect(stored?.deadlineExtension == nil)
            #expect(stored.map { Timestamp.format($0.deadline) } == "2026-01-06T23:59:59.000Z")
        }
    }
}

extension TestClientProtocol {
    func extend(_ id: String, reason: String, key: String = RouterHarness.writerKey) async throws -> TestResponse {
        let body = try JSONSerialization.data(withJSONObject: ["reason": reason])
        return try await extend(id, body: String(decoding: body, as: UTF8.self), key: key)
    }

    func extend(_ id: String, body: String, key: String = RouterHarness.writerKey) async throws -> TestResponse {
        try await execute(
            uri: "/data-subject-requests/\(id)/extension", method: .post,
            headers: [.contentType: "application/json", .authorization: "Bearer \(key)"],
            body: ByteBuffer(string: body))
    }
}
