import Crypto
import DSRCore
import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import ProcessorSimulator
import Testing
import TestSupport

/// Baton's RER and SAR flows against the simulator over loopback, as Baton would poll them.
@Suite struct BatonEndToEndTests {
    @Test func rerFlowEndsCompleted() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let reference = try await api.batonInitiate("RER", subjectId: "baton-rer-1", email: "rer@example.com")
            #expect(try await api.batonStatus("RER", reference)["status"] as? String == "pending")
            try await harness.waitFor(reference, state: "pending")
            try await harness.advance(days: 10)
            let status = try await api.batonStatus("RER", reference)
            #expect(status["status"] as? String == "completed")
            #expect(status["resultLocations"] == nil)
        }
    }

    @Test func sarFlowEndsCompletedWithAStoredArchiveWhoseChecksumMatches() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let reference = try await api.batonInitiate("SAR", subjectId: "baton-sar-1")
            try await harness.waitFor(reference, state: "pending")
            #expect(try await api.batonStatus("SAR", reference)["status"] as? String == "pending")
            try await harness.advance(days: 7)
            try await harness.eventually("Baton sees completed") {
                try await api.batonStatus("SAR", reference)["status"] as? String == "completed"
            }
            let status = try await api.batonStatus("SAR", reference)
            let archive = try harness.openedResults(
                (status["resultLocations"] as? [String])?.first, requestID: reference)
            let digest = SHA256.hash(data: archive).hexString
            let audited = try await api.request(reference).audit.last { $0.event == "results_stored" }?.detail
            #expect(audited?.hasSuffix("sha256 \(digest)") == true)
        }
    }

    @Test func aSecondInitiateWhileInFlightReturnsTheSameReference() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let first = try await api.batonInitiate("RER", subjectId: "baton-twice")
            let second = try await api.batonInitiate("RER", subjectId: "baton-twice")
            #expect(first == second)
            try await harness.waitFor(first, state: "pending")
            #expect(await harness.simulator.snapshot().requests.count == 1)
        }
    }

    @Test func aCancelledErasureIsReportedAsFailed() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let reference = try await api.batonInitiate("RER", subjectId: "baton-cancelled")
            try await harness.waitFor(reference, state: "pending")
            #expect(try await api.send(.DELETE, "/data-subject-requests/\(reference)").status == 200)
            let status = try await api.batonStatus("RER", reference)
            #expect(status["status"] as? String == "failed")
            #expect((status["message"] as? String)?.contains("did not happen") == true)
        }
    }

    @Test func anExpiredResultsLinkEndsFailedWithAClearMessage() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let reference = try await api.batonInitiate("SAR", subjectId: "baton-expired")
            try await harness.waitFor(reference, state: "pending")
            // The creation callback makes the gateway fetch and cache the certificate before the outage.
            try await harness.advance(by: 900)
            harness.simulator.setFaults(SimulatorFaults(serverErrorFraction: 1))
            try await harness.advance(days: 7)
            try await harness.eventually("a download failed") {
                try await api.request(reference).audit.contains { $0.event == "results_retry_scheduled" }
            }
            harness.simulator.setFaults(.none)
            try await harness.advance(by: 8 * 86_400)
            try await harness.eventually("the link is expired") {
                try await api.request(reference).resultsStatus == "expired"
            }
            let status = try await api.batonStatus("SAR", reference)
            #expect(status["status"] as? String == "failed")
            #expect((status["message"] as? String)?.contains("expired") == true)
        }
    }

    @Test func storedResultsAreDeletedAfterTheRetentionPeriod() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let reference = try await api.batonInitiate("SAR", subjectId: "baton-retention")
            try await harness.waitFor(reference, state: "pending")
            try await harness.advance(days: 7)
            try await harness.eventually("results are stored") {
                try await api.request(reference).resultsStatus == "stored"
            }
            let location = try harness.resultsFile(try await api.request(reference).resultLocation)
            try await harness.advance(by: 29 * 86_400)
            #expect(FileManager.default.fileExists(atPath: location.path))
            try await harness.advance(by: 2 * 86_400)
            try await harness.eventually("results are deleted") {
                try await api.request(reference).resultsStatus == "deleted"
            }
            #expect(!FileManager.default.fileExists(atPath: location.path))
            let deleted = try await api.request(reference).audit.last
            #expect(deleted?.event == "results_deleted" && deleted?.detail == "retention of 30 days ended")
        }
    }
}

extension GatewayAPIClient {
    /// A Baton initiate; returns the initiation reference.
    func batonInitiate(_ requestType: String, subjectId: String, email: String? = nil) async throws -> String {
        var body = [
            "requestType": requestType, "action": "initiate", "subjectId": subjectId,
            "dataProvider": requestType == "RER" ? "mparticlerer" : "mparticlesar",
        ]
        body["subjectEmail"] = email
        let answer = try await send(.POST, "/baton", json: body)
        guard answer.status == 200, let reference = answer.json?["initiationReference"] as? String else {
            throw GatewayAPIClientError(status: answer.status)
        }
        return reference
    }

    /// A Baton status call; returns the answer's JSON object.
    func batonStatus(_ requestType: String, _ reference: String) async throws -> [String: any Sendable] {
        let answer = try await send(
            .POST, "/baton", json: ["requestType": requestType, "action": "status", "initiationReference": reference])
        guard answer.status == 200, let json = answer.json else { throw GatewayAPIClientError(status: answer.status) }
        return json
    }
}
