import DSRCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OpenDSR
import ProcessorSimulator
import Testing
import TestSupport

/// `POST /events` through the gateway's middleware to a live simulator: forwarding, limits, scope, upstream failures.
@Suite struct EventsAPITests {
    static let erasure = EventBatch.erasureRequested(
        customerId: "customer-42", submittedAt: GatewayHarness.start, environment: .production)

    @Test func acceptedBatchIsForwardedAndAnswered202() async throws {
        try await EventsRouterHarness.with { simulator, client in
            let response = try await client.postEvents(try Self.erasure.jsonBytes())
            #expect(response.status == .accepted)
            #expect(String(buffer: response.body) == #"{"status":"accepted"}"#)
            #expect(await simulator.eventBatches() == [Self.erasure])
            let summary = await simulator.snapshot().eventBatches
            #expect(summary.map(\.customerIdFingerprint) == [SubjectIdentity(customerId: "customer-42").fingerprint])
        }
    }

    @Test func bodiesOver64KiBAreAcceptedOnThisRoute() async throws {
        try await EventsRouterHarness.with { simulator, client in
            let events = (0..<25).map { _ in
                EventBatch.Event(eventType: "custom_event", data: ["s": .string(String(repeating: "x", count: 4000))])
            }
            let body = try EventBatch(events: events, userIdentities: ["customer_id": "c-1"]).jsonBytes()
            #expect(body.count > 64 * 1024)
            #expect(try await client.postEvents(body).status == .accepted)
            #expect(await simulator.eventBatches().first?.events?.count == 25)
        }
    }

    /// Bodies breaking one limit each, with the code and the field the message must name.
    static let overLimits: [(String, String, String)] = [
        (
            #"{"user_attributes":{"# + (0...100).map { #""a\#($0)":1"# }.joined(separator: ",") + "}}",
            "invalid_batch", "user_attributes"
        ),
        (#"{"environment":"staging"}"#, "invalid_field", "environment"),
        (
            #"{"user_attributes":{"bio":""# + String(repeating: "v", count: 4097) + #""}}"#, "invalid_field",
            "user_attributes.bio"
        ),
        (
            #"{"events":["#
                + Array(
                    repeating: #"{"event_type":"e","data":{"s":"\#(String(repeating: "v", count: 4000))"}}"#, count: 40
                ).joined(separator: ",") + "]}",
            "invalid_batch", "batch"
        ),
        (#"{"events":[{"data":{}}]}"#, "missing_field", "event_type"),
    ]

    @Test(arguments: overLimits)
    func batchOverALimitIs400NamingTheField(_ json: String, _ code: String, _ field: String) async throws {
        try await EventsRouterHarness.with { simulator, client in
            let response = try await client.postEvents(Data(json.utf8))
            #expect(response.status == .badRequest)
            let error = try APIErrorBody(response)
            #expect(error.code == code)
            #expect(error.message.contains(field))
            #expect(!error.message.contains("staging") && !error.message.contains("vvvv"))
            #expect(await simulator.eventBatches().isEmpty)
        }
    }

    @Test func requestOver256KBIs413() async throws {
        try await EventsRouterHarness.with { simulator, client in
            let body = #"{"ip":""# + String(repeating: "1", count: 257 * 1024) + #""}"#
            let response = try await client.postEvents(Data(body.utf8))
            #expect(response.status == .contentTooLarge)
            #expect(try APIErrorBody(response).code == "payload_too_large")
            #expect(await simulator.eventBatches().isEmpty)
        }
    }

    @Test func keyWithoutTheEventsScopeIs403AndNoKey401() async throws {
        try await EventsRouterHarness.with { simulator, client in
            let body = try Self.erasure.jsonBytes()
            let reader = try await client.postEvents(body, key: EventsRouterHarness.readerKey)
            #expect(reader.status == .forbidden)
            #expect(try APIErrorBody(reader).code == "insufficient_scope")
            #expect(try await client.postEvents(body, key: nil).status == .unauthorized)
            #expect(await simulator.eventBatches().isEmpty)
        }
    }

    @Test func upstreamOutageIs503WithoutRetryAfter() async throws {
        try await EventsRouterHarness.with { simulator, client in
            simulator.setFaults(SimulatorFaults(eventsUnavailable: true))
            let response = try await client.postEvents(try Self.erasure.jsonBytes())
            #expect(response.status == .serviceUnavailable)
            #expect(try APIErrorBody(response).code == "events_unavailable")
            #expect(response.headers[.retryAfter] == nil)
        }
    }
}

extension TestClientProtocol {
    /// `POST /events` with `body`, authenticated with `key` (none when nil).
    func postEvents(_ body: Data, key: String? = EventsRouterHarness.eventsKey) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: "/events", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}
