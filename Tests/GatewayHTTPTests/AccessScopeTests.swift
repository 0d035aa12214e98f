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

/// Who may see what: a key sees and cancels only the requests it submitted unless it has `requests:read:all`,
/// idempotency keys and explicit ids belong to the key that used them, Baton sees only Baton's requests, and the
/// operations pages need only `operations:read`. Through the real router on a real SQLite file.
@Suite struct AccessScopeTests {
    static func id(_ response: TestResponse) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return try #require(json?["id"] as? String)
    }

    static func submission(_ subject: String, id: String? = nil) -> String {
        let explicit = id.map { #""id":"\#($0)","# } ?? ""
        return #"{\#(explicit)"regulation":"gdpr","type":"erasure","subjectId":"\#(subject)"}"#
    }

    static func listed(_ client: some TestClientProtocol, key: String) async throws -> Set<String> {
        let response = try await client.execute(
            uri: "/data-subject-requests", method: .get, headers: [.authorization: "Bearer \(key)"])
        let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        let requests = try #require(json?["requests"] as? [[String: Any]])
        return Set(requests.compactMap { $0["id"] as? String })
    }

    @Test func aKeySeesAndCancelsOnlyItsOwnRequestsUnlessItMayReadAll() async throws {
        try await RouterHarness.with { harness, client in
            let theirs = try Self.id(try await client.submit(Self.submission("subject-a")))
            let mine = try Self.id(try await client.submit(Self.submission("subject-b"), key: RouterHarness.clerkKey))

            #expect(try await Self.listed(client, key: RouterHarness.clerkKey) == [mine])
            #expect(try await Self.listed(client, key: RouterHarness.readerKey) == [theirs, mine])
            let hidden = try await client.execute(
                uri: "/data-subject-requests/\(theirs)", method: .get,
                headers: [.authorization: "Bearer \(RouterHarness.clerkKey)"])
            #expect(hidden.status == .notFound)
            let cancelTheirs = try await client.execute(
                uri: "/data-subject-requests/\(theirs)", method: .delete,
                headers: [.authorization: "Bearer \(RouterHarness.clerkKey)"])
            #expect(cancelTheirs.status == .notFound)
            #expect(try await harness.store.request(id: try #require(UUID(uuidString: theirs)))?.state == .queued)
            let cancelMine = try await client.execute(
                uri: "/data-subject-requests/\(mine)", method: .delete,
                headers: [.authorization: "Bearer \(RouterHarness.clerkKey)"])
            #expect(cancelMine.status == .ok)
        }
    }

    @Test func idempotencyKeysBelongToTheKeyThatSentThem() async throws {
        try await RouterHarness.with { harness, client in
            let first = try await client.submit(Self.submission("subject-a"), idempotencyKey: "order-1")
            // Another client choosing the same key gets its own request, not a conflict and not the first one.
            let other = try await client.submit(
                Self.submission("subject-b"), key: RouterHarness.clerkKey, idempotencyKey: "order-1")
            #expect(other.status == .accepted)
            #expect(try Self.id(other) != (try Self.id(first)))
            let replay = try await client.submit(
                Self.submission("subject-b"), key: RouterHarness.clerkKey, idempotencyKey: "order-1")
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try Self.id(replay) == (try Self.id(other)))
            // The same key with a new explicit id is a different request.
            let newId = try await client.submit(
                Self.submission("subject-a", id: UUID().uuidString.lowercased()), idempotencyKey: "order-1")
            #expect(newId.status == .conflict)
            #expect(try APIErrorBody(newId).code == "idempotency_conflict")
            #expect(try await harness.store.countByState()[.queued] == 2)
        }
    }

    @Test func anotherKeysIdIsAConflictThatRevealsNothing() async throws {
        try await RouterHarness.with { harness, client in
            let id = UUID().uuidString.lowercased()
            _ = try await client.submit(Self.submission("subject-a", id: id))
            // The same body from another key: a replay would hand over the first client's request.
            let same = try await client.submit(Self.submission("subject-a", id: id), key: RouterHarness.clerkKey)
            let different = try await client.submit(Self.submission("subject-z", id: id), key: RouterHarness.clerkKey)
            for response in [same, different] {
                #expect(response.status == .conflict)
                #expect(try APIErrorBody(response).code == "idempotency_conflict")
                #expect(!String(buffer: response.body).contains("subject-a"))
            }
        }
    }

    @Test func batonSeesOnlyTheRequestsBatonCreated() async throws {
        try await RouterHarness.with { harness, client in
            let viaAPI = try Self.id(try await client.submit(Self.submission("subject-a")))
            let status = try await client.baton(
                #"{"requestType":"RER","action":"status","initiationReference":"\#(viaAPI)"}"#)
            #expect(status.status == .notFound)
            // An initiate for a subject whose API request is in flight gets its own request.
            let initiate = try await client.baton(
                #"{"requestType":"RER","action":"initiate","dataProvider":"mparticlerer","subjectId":"subject-a"}"#)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: initiate.body)) as? [String: Any]
            let reference = try #require(json?["initiationReference"] as? String)
            #expect(reference != viaAPI)
        }
    }

    @Test(arguments: ["/alerts", "/dashboard"])
    func theOperationsPagesNeedOnlyOperationsRead(path: String) async throws {
        try await RouterHarness.with { _, client in
            let asOperator = try await client.execute(
                uri: path, method: .get, headers: [.authorization: "Bearer \(RouterHarness.operatorKey)"])
            #expect(asOperator.status == .ok)
            let asReader = try await client.execute(
                uri: path, method: .get, headers: [.authorization: "Bearer \(RouterHarness.readerKey)"])
            #expect(asReader.status == .forbidden)
            let requests = try await client.execute(
                uri: "/data-subject-requests", method: .get,
                headers: [.authorization: "Bearer \(RouterHarness.operatorKey)"])
            #expect(requests.status == .forbidden)
        }
    }
}
