import DSRCore
import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing

/// The simulator's Events API, `POST /v2/events`: Input credentials, validation, recording and the outage fault.
@Suite struct EventsEndpointTests {
    static let input = ("sim-input-key", "sim-input-secret")
    static let erasure = EventBatch.erasureRequested(
        customerId: "customer-9", submittedAt: SimulatorHarness.start, environment: .development)

    /// Posts `body` to `/v2/events`.
    static func post(
        _ body: [UInt8], to harness: SimulatorHarness, credentials: (String, String)? = input
    ) async throws -> HTTPResult {
        try await harness.send(.POST, "v2/events", body: body, credentials: credentials)
    }

    @Test func missingCredentialsAre401AndWrongOnes403() async throws {
        try await SimulatorHarness.run { harness in
            let body = Array(try Self.erasure.jsonBytes())
            let missing = try await Self.post(body, to: harness, credentials: nil)
            #expect(missing.status == 401)
            #expect(try missing.decode(EventsErrorBody.self).errors.map(\.code) == ["UNAUTHORIZED"])
            #expect(try await Self.post(body, to: harness, credentials: ("sim-input-key", "nope")).status == 403)
            #expect(try await Self.post(body, to: harness, credentials: ("sim-key", "sim-secret")).status == 403)
            #expect(await harness.simulator.snapshot().eventBatches.isEmpty)
        }
    }

    @Test(arguments: [
        #"{"user_attributes":"#,
        #"{"events":[{"data":{}}]}"#,
        #"{"environment":"staging"}"#,
        #"{"events":[{"event_type":""}]}"#,
        #"{"user_attributes":{"bio":""# + String(repeating: "v", count: 4097) + #""}}"#,
    ])
    func invalidBatchIs400WithAnErrorList(_ json: String) async throws {
        try await SimulatorHarness.run { harness in
            let answer = try await Self.post(Array(json.utf8), to: harness)
            #expect(answer.status == 400)
            let errors = try answer.decode(EventsErrorBody.self).errors
            #expect(errors.map(\.code) == ["BAD_REQUEST"])
            #expect(!errors[0].message.contains("staging") && !errors[0].message.contains("vvvv"))
            #expect(await harness.simulator.snapshot().eventBatches.isEmpty)
        }
    }

    @Test func overLimitsAre400() async throws {
        try await SimulatorHarness.run { harness in
            let attributes = (0...100).map { #""a\#($0)":true"# }.joined(separator: ",")
            let tooMany = try await Self.post(Array(#"{"user_attributes":{\#(attributes)}}"#.utf8), to: harness)
            #expect(tooMany.status == 400)
            #expect(try tooMany.decode(EventsErrorBody.self).errors.first?.message.hasPrefix("user_attributes") == true)
            let huge = #"{"ip":""# + String(repeating: "1", count: EventBatchLimits.maxRequestBytes) + #""}"#
            #expect(try await Self.post(Array(huge.utf8), to: harness).status == 400)
        }
    }

    @Test func acceptedBatchIsRecordedWithoutIdentitiesInTheSnapshot() async throws {
        try await SimulatorHarness.run { harness in
            let answer = try await Self.post(Array(try Self.erasure.jsonBytes()), to: harness)
            #expect(answer.status == 202)
            #expect(await harness.simulator.eventBatches() == [Self.erasure])
            let listed = try await harness.send(.GET, "_sim/requests", credentials: nil)
            #expect(!listed.text.contains("customer-9"))
            let summary = try #require(try listed.decode(SimulatorSnapshot.self).eventBatches.first)
            #expect(summary.customerIdFingerprint == SubjectIdentity(customerId: "customer-9").fingerprint)
            #expect(summary.identityTypes == ["customer_id"])
            #expect(summary.userAttributeNames == ["dsr_erasure_date", "dsr_erasure_requested", "dsr_erasure_status"])
            #expect(summary.environment == "development")
            #expect(summary.eventCount == 0)
            #expect(summary.receivedTime == "2025-08-26T10:00:00.000Z")
        }
    }

    @Test func eventsUnavailableFaultAnswers503UntilCleared() async throws {
        try await SimulatorHarness.run { harness in
            let fault = Array(#"{"events_unavailable":true}"#.utf8)
            #expect(try await harness.send(.POST, "_sim/faults", body: fault, credentials: nil).status == 200)
            #expect(harness.simulator.faults == SimulatorFaults(eventsUnavailable: true))
            let body = Array(try Self.erasure.jsonBytes())
            #expect(try await Self.post(body, to: harness).status == 503)
            #expect(try await harness.send(.GET, "v3/discovery").status == 200)
            harness.simulator.setFaults(.none)
            #expect(try await Self.post(body, to: harness).status == 202)
            #expect(await harness.simulator.snapshot().eventBatches.count == 1)
        }
    }
}
