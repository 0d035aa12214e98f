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

/// `POST /baton` through the real router and store: the Lambda contract's field names, values and error cases.
@Suite struct BatonAPITests {
    @Test func initiateAnswersTheLambdaShapeAndStoresAQueuedGDPRRequest() async throws {
        try await RouterHarness.with { harness, client in
            let response = try await client.baton(
                #"{"requestType":"RER","action":"initiate","dataProvider":"mparticlerer","subjectId":"111111","subjectEmail":"my.user@example.com"}"#
            )
            #expect(response.status == .ok)
            let json = try Self.object(response)
            #expect(Set(json.keys) == ["requestType", "action", "status", "initiationReference", "message"])
            #expect(json["requestType"] as? String == "RER")
            #expect(json["action"] as? String == "initiate")
            #expect(json["status"] as? String == "pending")
            let reference = try #require(json["initiationReference"] as? String)
            let id = try #require(UUID(uuidString: reference))
            let stored = try #require(try await harness.store.request(id: id))
            #expect(stored.type == .erasure && stored.regulation == .gdpr && stored.source == .baton)
            #expect(stored.state == .queued)
        }
    }

    @Test func initiateForASubjectAlreadyInFlightReturnsTheSameReference() async throws {
        try await RouterHarness.with { harness, client in
            let body = #"{"requestType":"SAR","action":"initiate","dataProvider":"mparticlesar","subjectId":"222"}"#
            let first = try Self.object(try await client.baton(body))["initiationReference"] as? String
            let second = try Self.object(try await client.baton(body))["initiationReference"] as? String
            #expect(first != nil && first == second)
            #expect(try await harness.store.countByState()[.queued] == 1)
        }
    }

    @Test func statusOfAPendingRequestHasNoResultLocations() async throws {
        try await RouterHarness.with { harness, client in
            let request = try await harness.seed(state: .pending, source: .baton)
            let response = try await client.baton(
                #"{"requestType":"SAR","action":"status","initiationReference":"\#(request.subjectRequestId)"}"#)
            let json = try Self.object(response)
            #expect(Set(json.keys) == ["requestType", "action", "status", "message"])
            #expect(json["status"] as? String == "pending")
            #expect((json["message"] as? String)?.contains(request.subjectRequestId) == true)
        }
    }

    @Test(arguments: [
        (
            #"{"requestType":"RER","action":"initiate","dataProvider":"mparticlesar","subjectId":"1"}"#, 400,
            "wrong_data_provider"
        ),
        (#"{"requestType":"RER","action":"initiate","subjectId":"1"}"#, 400, "wrong_data_provider"),
        (
            #"{"requestType":"DSR","action":"initiate","dataProvider":"mparticlerer","subjectId":"1"}"#, 400,
            "invalid_field"
        ),
        (
            #"{"requestType":"RER","action":"perform","dataProvider":"mparticlerer","subjectId":"1"}"#, 400,
            "invalid_field"
        ),
        (
            #"{"requestType":"RER","action":"initiate","dataProvider":"mparticlerer","subjectId":""}"#, 400,
            "invalid_field"
        ),
        (#"{"requestType":"RER","action":"initiate","dataProvider":"mparticlerer"}"#, 400, "invalid_field"),
        (
            #"{"requestType":"RER","action":"initiate","dataProvider":"mparticlerer","subjectId":"1","subjectEmail":""}"#,
            400, "invalid_field"
        ),
        (#"{"requestType":"SAR","action":"status","initiationReference":"not-a-uuid"}"#, 400, "invalid_field"),
        (
            #"{"requestType":"SAR","action":"status","initiationReference":"8a6747ea-cef6-4b2d-8178-8bb81b13c4e9"}"#,
            404,
            "not_found"
        ),
        (#"{"action":"status"}"#, 400, "missing_field"),
    ])
    func badCallsGetAClearError(_ body: String, _ status: Int, _ code: String) async throws {
        try await RouterHarness.with { harness, client in
            let response = try await client.baton(body)
            #expect(Int(response.status.code) == status)
            #expect(try APIErrorBody(response).code == code)
            #expect(try await harness.store.countByState().values.reduce(0, +) == 0)
        }
    }

    @Test func statusWithTheWrongRequestTypeForAReferenceIsRefused() async throws {
        try await RouterHarness.with { harness, client in
            let access = try await harness.seed(state: .pending, source: .baton)
            let response = try await client.baton(
                #"{"requestType":"RER","action":"status","initiationReference":"\#(access.subjectRequestId)"}"#)
            #expect(response.status == .conflict)
            #expect(try APIErrorBody(response).code == "wrong_request_type")
        }
    }

    @Test func aKeyWithoutTheBatonScopeIsRefused() async throws {
        try await RouterHarness.with { _, client in
            let response = try await client.baton(
                #"{"requestType":"SAR","action":"status","initiationReference":"8a6747ea-cef6-4b2d-8178-8bb81b13c4e9"}"#,
                key: RouterHarness.readerKey)
            #expect(response.status == .forbidden)
        }
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }
}

extension TestClientProtocol {
    func baton(_ body: String, key: String = RouterHarness.writerKey) async throws -> TestResponse {
        try await execute(
            uri: "/baton", method: .post,
            headers: [.contentType: "application/json", .authorization: "Bearer \(key)"], body: ByteBuffer(string: body)
        )
    }
}
