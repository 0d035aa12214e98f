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

/// The requests API through the real router and a real SQLite file: authentication, validation, idempotency.
@Suite struct RequestsAPITests {
    static let valid =
        #"{"regulation":"gdpr","type":"erasure","subjectId":"customer-42","subjectEmail":"a@example.com"}"#

    @Test(arguments: [nil, "Bearer wrong-key", "Basic d3Jvbmc6a2V5", "Bearer "])
    func missingOrWrongKeyIs401AndStoresNothing(_ authorization: String?) async throws {
        try await RouterHarness.with { harness, client in
            var headers: HTTPFields = [.contentType: "application/json"]
            if let authorization { headers[.authorization] = authorization }
            let response = try await client.execute(
                uri: "/data-subject-requests", method: .post, headers: headers, body: ByteBuffer(string: Self.valid))
            #expect(response.status == .unauthorized)
            #expect(try APIErrorBody(response).code == "unauthorized")
            #expect(try await harness.store.countByState().values.reduce(0, +) == 0)
        }
    }

    @Test func readOnlyKeyCannotSubmit() async throws {
        try await RouterHarness.with { harness, client in
            let response = try await client.submit(Self.valid, key: RouterHarness.readerKey)
            #expect(response.status == .forbidden)
            #expect(try APIErrorBody(response).code == "insufficient_scope")
        }
    }

    @Test func submitStoresAQueuedRequestWithItsDeadlineAndAuditTrail() async throws {
        try await RouterHarness.with { harness, client in
            let response = try await client.submit(Self.valid)
            #expect(response.status == .accepted)
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let id = try #require(json["id"] as? String)
            #expect(json["state"] as? String == "queued")
            #expect(json["deadline"] as? String == "2026-02-06T23:59:59.000Z")
            #expect(response.headers[.location] == "/data-subject-requests/\(id)")
            let shown = try await client.execute(
                uri: "/data-subject-requests/\(id)", method: .get,
                headers: [.authorization: "Bearer \(RouterHarness.readerKey)"])
            #expect(shown.status == .ok)
            let detail = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: shown.body)) as? [String: Any])
            let audit = try #require(detail["audit"] as? [[String: Any]])
            #expect(audit.count == 1 && audit[0]["event"] as? String == "received")
        }
    }

    @Test func sameIdTwiceIsOneRequest() async throws {
        try await RouterHarness.with { harness, client in
            let id = UUID().uuidString.lowercased()
            let body = #"{"id":"\#(id)","regulation":"ccpa","type":"access","subjectId":"customer-7"}"#
            let first = try await client.submit(body)
            let second = try await client.submit(body)
            #expect(first.status == .accepted && second.status == .accepted)
            #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await harness.store.countByState()[.queued] == 1)
            #expect(try await harness.store.auditTrail(id: UUID(uuidString: id)!).count == 1)
            let different = #"{"id":"\#(id)","regulation":"ccpa","type":"erasure","subjectId":"customer-7"}"#
            let conflict = try await client.submit(different)
            #expect(conflict.status == .conflict)
            #expect(try APIErrorBody(conflict).code == "idempotency_conflict")
        }
    }

    @Test func idempotencyKeyHeaderMakesRetriesSafe() async throws {
        try await RouterHarness.with { harness, client in
            let first = try await client.submit(Self.valid, idempotencyKey: "order-123")
            let second = try await client.submit(Self.valid, idempotencyKey: "order-123")
            #expect(first.status == .accepted && second.status == .accepted)
            #expect(String(buffer: first.body) == String(buffer: second.body))
            #expect(try await harness.store.countByState()[.queued] == 1)
        }
    }

    @Test(arguments: [
        ("{", "invalid_json"),
        (#"{"type":"erasure","subjectId":"x"}"#, "missing_field"),
        (#"{"regulation":"lgpd","type":"erasure","subjectId":"x"}"#, "invalid_field"),
        (#"{"regulation":"gdpr","type":"delete","subjectId":"x"}"#, "invalid_field"),
        (#"{"regulation":"gdpr","type":"erasure","subjectId":"  "}"#, "invalid_field"),
        (#"{"regulation":"gdpr","type":"erasure","subjectId":"x","subjectEmail":"not-an-email"}"#, "invalid_field"),
        (#"{"id":"not-a-uuid","regulation":"gdpr","type":"erasure","subjectId":"x"}"#, "invalid_field"),
        (
            #"{"id":"2f1c8e9a-6b1d-1c3e-9f6a-0d2b7c4e5a1f","regulation":"gdpr","type":"erasure","subjectId":"x"}"#,
            "invalid_field"
        ),
        (#"{"regulation":"gdpr","type":"erasure","subjectId":42}"#, "invalid_field"),
        ("[1, 2]", "invalid_field"),
        // 257 bytes in 129 characters; one letter with 30,000 combining marks; a control character in the email.
        (
            #"{"regulation":"gdpr","type":"erasure","subjectId":""# + String(repeating: "é", count: 128) + #"x"}"#,
            "invalid_field"
        ),
        (
            #"{"regulation":"gdpr","type":"erasure","subjectId":"a"# + String(repeating: "\u{301}", count: 30_000)
                + #""}"#,
            "invalid_field"
        ),
        (
            #"{"regulation":"gdpr","type":"erasure","subjectId":"x","subjectEmail":"a\u0007b@example.com"}"#,
            "invalid_field"
        ),
    ])
    func badInputIs400WithACodeAndStoresNothing(_ body: String, _ code: String) async throws {
        try await RouterHarness.with { harness, client in
            let response = try await client.submit(body)
            #expect(response.status == .badRequest)
            let error = try APIErrorBody(response)
            #expect(error.code == code)
            #expect(!error.message.isEmpty)
            #expect(!error.message.contains("not-an-email"))
            #expect(try await harness.store.countByState().values.reduce(0, +) == 0)
        }
    }

    /// One subject typed two ways (precomposed, and with a combining accent) is stored once, in normal form C.
    @Test func subjectsAreStoredInNormalFormC() async throws {
        try await RouterHarness.with { harness, client in
            for (subject, email) in [
                ("jos\u{E9}", "jos\u{E9}@example.com"), ("jose\u{301}", "jose\u{301}@example.com"),
            ] {
                let body =
                    #"{"regulation":"gdpr","type":"erasure","subjectId":"\#(subject)","subjectEmail":"\#(email)"}"#
                #expect(try await client.submit(body).status == .accepted)
            }
            let stored = try await harness.store.list(states: nil, submittedBy: nil, limit: 10)
            #expect(stored.count == 2)
            #expect(
                stored.allSatisfy { $0.subject.customerId.unicodeScalars.map(\.value) == [0x6A, 0x6F, 0x73, 0xE9] })
            #expect(stored.allSatisfy { $0.subject.email == "jos\u{E9}@example.com" })
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await RouterHarness.with { _, client in
            let huge =
                #"{"regulation":"gdpr","type":"erasure","subjectId":""# + String(repeating: "x", count: 100_000)
                + #""}"#
            let response = try await client.submit(huge)
            #expect(response.status == .contentTooLarge)
            #expect(try APIErrorBody(response).code == "payload_too_large")
        }
    }

    @Test func unknownIdIs404() async throws {
        try await RouterHarness.with { _, client in
            let response = try await client.execute(
                uri: "/data-subject-requests/\(UUID().uuidString.lowercased())", method: .get,
                headers: [.authorization: "Bearer \(RouterHarness.readerKey)"])
            #expect(response.status == .notFound)
            #expect(try APIErrorBody(response).code == "not_found")
        }
    }

    @Test func listFiltersByState() async throws {
        try await RouterHarness.with { harness, client in
            _ = try await harness.seed(state: .pending)
            _ = try await harness.seed(state: .queued)
            let response = try await client.execute(
                uri: "/data-subject-requests?state=pending", method: .get,
                headers: [.authorization: "Bearer \(RouterHarness.readerKey)"])
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let states = try #require(json["requests"] as? [[String: Any]]).map { $0["state"] as? String }
            #expect(states == ["pending"])
        }
    }

    @Test(arguments: ["limit=abc", "limit=null&limit=null", "limit=5&limit=5", "limit=0", "limit=1001"])
    func aLimitThatIsNotOneNumberIs400(query: String) async throws {
        try await RouterHarness.with { _, client in
            let response = try await client.execute(
                uri: "/data-subject-requests?\(query)", method: .get,
                headers: [.authorization: "Bearer \(RouterHarness.readerKey)"])
            #expect(response.status == .badRequest)
            #expect(try APIErrorBody(response).code == "invalid_field")
        }
    }

    @Test func aKeyGivenTwiceIs400AndStoresNothing() async throws {
        try await RouterHarness.with { harness, client in
            let body = #"{"regulation":"gdpr","type":"erasure","subjectId":"a","subject\u0049d":"b"}"#
            let response = try await client.submit(body)
            #expect(response.status == .badRequest)
            #expect(try APIErrorBody(response).code == "duplicate_key")
            #expect(try await harness.store.countByState().values.reduce(0, +) == 0)
            // The same key in two different objects is fine.
            let nested = #"{"regulation":"gdpr","type":"erasure","subjectId":"a","extra":[{"k":1},{"k":2}]}"#
            #expect(try await client.submit(nested).status != .badRequest)
        }
    }

    @Test(arguments: [
        (HTTPRequest.Method.put, "/data-subject-requests/2f1c8e9a-6b1d-4c3e-9f6a-0d2b7c4e5a1f", "DELETE, GET"),
        (.head, "/data-subject-requests", "GET, POST"),
        (.patch, "/health", "GET"),
    ])
    func aKnownPathWithAnotherMethodIs405WithAllow(method: HTTPRequest.Method, path: String, allow: String) async throws
    {
        try await RouterHarness.with { _, client in
            let response = try await client.execute(
                uri: path, method: method, headers: [.authorization: "Bearer \(RouterHarness.writerKey)"])
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
        }
    }
}

/// The `{"error": {"code", "message"}}` body.
struct APIErrorBody {
    var code: String
    var message: String

    init(_ response: TestResponse) throws {
        let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: [String: String]]
        code = json?["error"]?["code"] ?? ""
        message = json?["error"]?["message"] ?? ""
    }
}

extension TestClientProtocol {
    func submit(_ body: String, key: String = RouterHarness.writerKey, idempotencyKey: String? = nil) async throws
        -> TestResponse
    {
        var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(key)"]
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        return try await execute(
            uri: "/data-subject-requests", method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}
