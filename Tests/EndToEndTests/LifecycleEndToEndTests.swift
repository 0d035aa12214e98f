import DSRCore
import Foundation
import NIOHTTP1
import GatewayApp
import GatewayTools
import OpenDSR
import ProcessorSimulator
import Testing
import TestSupport
import Workers

/// The gateway and the simulator over real HTTP on loopback: delivery, verified callbacks, restart, cancellation.
@Suite struct LifecycleEndToEndTests {
    @Test func erasureAndAccessCompleteThroughVerifiedCallbacks() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let erasure = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "e2e-erasure-1")
            let access = try await api.submitted(regulation: "ccpa", type: "access", subjectId: "e2e-access-1")
            try await harness.waitFor(erasure, state: "pending")
            try await harness.waitFor(access, state: "pending")
            try await harness.advance(days: 10)
            let finishedErasure = try await api.request(erasure)
            let finishedAccess = try await api.request(access)
            #expect(finishedErasure.state == "completed")
            #expect(finishedAccess.state == "completed")
            for snapshot in [finishedErasure, finishedAccess] {
                let moves = snapshot.audit.compactMap { entry in entry.toState.map { "\(entry.actor):\($0)" } }
                #expect(moves.first == "api:queued")
                #expect(moves.contains("dispatcher:pending"))
                #expect(moves.last == "callback:completed")
            }
            let processor = await harness.simulator.snapshot()
            #expect(processor.requests.filter { [erasure, access].contains($0.subjectRequestId) }.count == 2)
            #expect(processor.callbacks.failed == 0)
        }
    }

    @Test func callbacksSignedAfterACertificateRotationAreAccepted() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "access", subjectId: "rotation-1")
            try await harness.waitFor(id, state: "pending")
            try await harness.advance(by: 900)
            try harness.simulator.rotateCertificate()
            try await harness.advance(days: 7)
            let completed = try await api.request(id)
            #expect(completed.state == "completed")
            #expect(completed.audit.last { $0.toState == "completed" }?.actor == "callback")
            #expect(await harness.simulator.snapshot().callbacks.failed == 0)
        }
    }

    @Test func restartMidwayLosesNothingAndSendsNothingTwice() async throws {
        try await GatewayHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(serverErrorFraction: 1))
            let before = try await harness.api
            var submitted: [String] = []
            for index in 0..<5 {
                submitted.append(
                    try await before.submitted(regulation: "gdpr", type: "erasure", subjectId: "restart-\(index)"))
            }
            let ids = submitted
            try await harness.eventually("every delivery failed once") {
                try await ids.asyncAllSatisfy { try await before.request($0).lastError != nil }
            }
            try await harness.stopGateway()
            harness.simulator.setFaults(.none)
            let api = try await harness.startGateway()
            try await harness.advance(by: 3600)
            for id in ids {
                try await harness.waitFor(id, state: "pending")
            }
            try await harness.advance(days: 10)
            for id in ids {
                #expect(try await api.request(id).state == "completed")
            }
            let processor = await harness.simulator.snapshot()
            #expect(processor.requests.filter { ids.contains($0.subjectRequestId) }.count == ids.count)
        }
    }

    @Test func aRequestTheProcessorAlreadyHasIsAdoptedNotResentUnderANewId() async throws {
        try await GatewayHarness.with { harness in
            let id = UUID().uuidString.lowercased()
            let processorURL = try await harness.simulator.waitUntilListening()
            // An earlier attempt, as if by an instance that crashed before recording it.
            let earlier = SubmitRequestBody(
                regulation: "gdpr", subjectRequestId: id, subjectRequestType: "erasure",
                submittedTime: Timestamp.format(harness.clock.now),
                subjectIdentities: ["controller_customer_id": .init(value: "adopted-1")])
            let earlierOutcome = try await TemporaryDatabase.withStore { ledger in
                let client = OpenDSRClient(
                    httpClient: harness.httpClient,
                    configuration: .init(
                        baseURL: processorURL.absoluteString + "/v3", workspaceKey: "sim-key",
                        workspaceSecret: "sim-secret"), pacer: ProcessorPacer(clock: harness.clock, ledger: ledger))
                return await client.submit(earlier, logger: GatewayHarness.quietLogger).outcome
            }
            guard case .success = earlierOutcome else {
                Issue.record("the simulator refused the first submission")
                return
            }
            let api = try await harness.api
            _ = try await api.submitted(id: id, regulation: "gdpr", type: "erasure", subjectId: "adopted-1")
            let pending = try await harness.waitFor(id, state: "pending")
            #expect(pending.audit.contains { $0.detail?.contains("processor already had this id") == true })
            let processor = await harness.simulator.snapshot()
            #expect(processor.requests.count == 1)
        }
    }

    @Test func cancellingAPendingRequestCancelsItAtTheProcessor() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "cancel-me")
            try await harness.waitFor(id, state: "pending")
            let answer = try await api.send(.DELETE, "/data-subject-requests/\(id)")
            #expect(answer.status == 200)
            #expect(try await api.request(id).state == "cancelled")
            let processor = await harness.simulator.snapshot()
            #expect(processor.requests.first { $0.subjectRequestId == id }?.requestStatus == "cancelled")
            let again = try await api.send(.DELETE, "/data-subject-requests/\(id)")
            #expect(again.status == 409)
        }
    }
}

extension Array where Element: Sendable {
    func asyncAllSatisfy(_ predicate: (Element) async throws -> Bool) async rethrows -> Bool {
        for element in self where try await !predicate(element) { return false }
        return true
    }
}

/// Callbacks are a hint, polling is the truth: with every callback lost, requests still complete.
@Suite struct ReconciliationEndToEndTests {
    @Test func requestsCompleteThroughPollingWhenEveryCallbackIsLost() async throws {
        try await GatewayHarness.with(gateway: { $0.reconciliation.staleAfter = 6 * 3600 }) { harness in
            harness.simulator.setFaults(SimulatorFaults(dropCallbackFraction: 1))
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "lost-callbacks")
            try await harness.waitFor(id, state: "pending")
            // Time passes until a re-read finds it done (a re-read between the clock moving and the simulator applying
            // that step sees it still pending, and the next one is due 6 hours later: time has to keep moving).
            try await harness.eventually("the poller finds it completed") {
                try await harness.advance(by: 6 * 3600)
                return try await api.request(id).state == "completed"
            }
            let completed = try await api.request(id)
            #expect(completed.audit.last { $0.toState == "completed" }?.actor == "poller")
            #expect(await harness.simulator.snapshot().callbacks.sent == 0)
        }
    }

    @Test func aRestartReconcilesEveryRequestInFlight() async throws {
        // Requests are not "stale" for 60 days here, so only the start-up sweep can find the change.
        try await GatewayHarness.with(gateway: { $0.reconciliation.staleAfter = 60 * 86_400 }) { harness in
            let api = try await harness.api
            let id = try await api.submitted(regulation: "ccpa", type: "erasure", subjectId: "reconciled-at-startup")
            try await harness.waitFor(id, state: "pending")
            try await harness.stopGateway()
            harness.simulator.setFaults(SimulatorFaults(dropCallbackFraction: 1))
            try await harness.advance(by: 10 * 86_400)
            // Completed at the processor while we were down, and its callbacks lost: the start-up sweep finds out.
            try await harness.startGateway()
            let completed = try await harness.waitFor(id, state: "completed")
            #expect(completed.audit.last { $0.toState == "completed" }?.actor == "poller")
        }
    }
}
