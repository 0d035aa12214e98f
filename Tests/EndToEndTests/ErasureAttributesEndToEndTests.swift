import BackgroundWork
import DSRCore
import Foundation
import GatewayApp
import GatewayTools
import OpenDSR
import ProcessorSimulator
import Testing
import TestSupport
import Workers

/// The Events API "erasure requested" attributes that go with every erasure, over loopback.
@Suite struct ErasureAttributesEndToEndTests {
    @Test func anRERInitiateSendsGuardiansAttributesBatch() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let reference = try await api.batonInitiate("RER", subjectId: "attributes-1")
            try await harness.eventually("the attributes are sent") {
                try await api.request(reference).audit.contains { $0.event == "erasure_attributes_sent" }
            }
            let batches = await harness.simulator.eventBatches()
            #expect(batches.count == 1)
            let batch = try #require(batches.first)
            #expect(batch.userIdentities == ["customer_id": "attributes-1"])
            #expect(batch.userAttributes?["dsr_erasure_requested"] == .bool(true))
            #expect(batch.userAttributes?["dsr_erasure_status"] == .string("requested"))
            #expect(batch.environment == "development")
        }
    }

    @Test func anEventsAPIOutageDoesNotBlockTheErasureAndIsRetried() async throws {
        try await GatewayHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(eventsUnavailable: true))
            let api = try await harness.api
            let reference = try await api.batonInitiate("RER", subjectId: "attributes-outage")
            try await harness.waitFor(reference, state: "pending")
            try await harness.eventually("the failure is in the audit trail") {
                try await api.request(reference).audit.contains { $0.event == "erasure_attributes_retry_scheduled" }
            }
            #expect(await harness.simulator.eventBatches().isEmpty)
            harness.simulator.setFaults(.none)
            try await harness.advance(by: 3600)
            try await harness.eventually("the attributes are sent on retry") {
                try await api.request(reference).audit.contains { $0.event == "erasure_attributes_sent" }
            }
            #expect(await harness.simulator.eventBatches().count == 1)
        }
    }

    @Test func attributesThatKeepFailingAreGivenUpAfterTheBudget() async throws {
        try await GatewayHarness.with(gateway: { $0.dispatcher.retry.maxAttempts = 3 }) { harness in
            harness.simulator.setFaults(SimulatorFaults(eventsUnavailable: true))
            let api = try await harness.api
            let reference = try await api.batonInitiate("RER", subjectId: "attributes-never")
            try await harness.waitFor(reference, state: "pending")
            try await harness.eventually("the sender gives up") {
                try await harness.advance(by: 3600)
                return try await api.request(reference).audit.contains { $0.event == "erasure_attributes_given_up" }
            }
            let audit = try await api.request(reference).audit
            // Three attempts: two retries scheduled, then given up; the erasure itself is untouched.
            #expect(audit.filter { $0.event == "erasure_attributes_retry_scheduled" }.count == 2)
            #expect(try await api.request(reference).state == "pending")
        }
    }
}
