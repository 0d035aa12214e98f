import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing

@Suite("DELETE /v3/requests/{id}")
struct CancelTests {
    @Test("a pending request is cancelled with a signed 202; the same subject may then submit again")
    func cancelPending() async throws {
        try await SimulatorHarness.run { harness in
            let submission = SimulatorHarness.submission()
            #expect(try await harness.submit(submission).status == 201)
            let answer = try await harness.send(.DELETE, "v3/requests/\(submission.subjectRequestId)")
            #expect(answer.status == 202)
            #expect(
                try await ServedChain.fetch(from: harness).verifies(
                    answer.header("X-OpenDSR-Signature"), over: answer.body))
            let expected =
                #"{"expected_completion_time":null,"received_time":"2025-08-26T10:00:00.000Z","#
                + #""subject_request_id":"\#(submission.subjectRequestId)","controller_id":"3622","api_version":"3.0"}"#
            #expect(answer.text == expected)
            let status = try await harness.send(.GET, "v3/requests/\(submission.subjectRequestId)")
            #expect(try status.decode(RequestStatusResponse.self).requestStatus == "cancelled")
            #expect(try await harness.submit(SimulatorHarness.submission()).status == 201)
            // A cancelled request never moves again.
            await harness.advance(by: 30 * 86_400)
            let later = try await harness.send(.GET, "v3/requests/\(submission.subjectRequestId)")
            #expect(try later.decode(RequestStatusResponse.self).requestStatus == "cancelled")
        }
    }

    @Test("cancelled, in_progress and completed requests cannot be cancelled (400); unknown ids get 404")
    func notCancellable() async throws {
        try await SimulatorHarness.run { harness in
            let cancelled = SimulatorHarness.submission(customerId: "c-1")
            let running = SimulatorHarness.submission(customerId: "c-2")
            #expect(try await harness.submit(cancelled).status == 201)
            #expect(try await harness.send(.DELETE, "v3/requests/\(cancelled.subjectRequestId)").status == 202)
            let again = try await harness.send(.DELETE, "v3/requests/\(cancelled.subjectRequestId)")
            #expect(again.status == 400)
            #expect(try again.decode(ProcessorErrorBody.self).code == 400)

            #expect(try await harness.submit(running).status == 201)
            await harness.advance(by: 7 * 86_400)
            #expect(try await harness.send(.DELETE, "v3/requests/\(running.subjectRequestId)").status == 400)
            await harness.advance(by: 2 * 86_400)
            #expect(try await harness.send(.DELETE, "v3/requests/\(running.subjectRequestId)").status == 400)

            #expect(try await harness.send(.DELETE, "v3/requests/\(UUID().uuidString.lowercased())").status == 404)
        }
    }
}
