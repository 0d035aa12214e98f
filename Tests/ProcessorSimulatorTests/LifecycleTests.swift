import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing

@Suite("Clock-driven lifecycle")
struct LifecycleTests {
    private func status(_ id: String, _ harness: SimulatorHarness) async throws -> RequestStatusResponse {
        let answer = try await harness.send(.GET, "v3/requests/\(id)")
        #expect(answer.status == 200)
        return try answer.decode(RequestStatusResponse.self)
    }

    @Test("erasure: pending for 7 days, in_progress for 48 hours, then completed without results")
    func erasure() async throws {
        try await SimulatorHarness.run { harness in
            let submission = SimulatorHarness.submission()
            let id = submission.subjectRequestId
            #expect(try await harness.submit(submission).status == 201)
            #expect(try await status(id, harness).requestStatus == "pending")
            await harness.advance(by: 7 * 86_400 - 1)
            #expect(try await status(id, harness).requestStatus == "pending")
            await harness.advance(by: 1)
            #expect(try await status(id, harness).requestStatus == "in_progress")
            await harness.advance(by: 48 * 3_600)
            let done = try await status(id, harness)
            #expect(done.requestStatus == "completed")
            #expect(done.resultsUrl == nil)
            #expect(done.controllerId == "3622")
            #expect(done.expectedCompletionTime == "2025-09-04T10:00:00Z")
        }
    }

    @Test("access: picked up by the next Monday/Thursday 00:00 UTC run, completed an hour later with a results URL")
    func access() async throws {
        try await SimulatorHarness.run { harness in
            let submission = SimulatorHarness.submission(type: "access")
            let created = try await harness.submit(submission).decode(SubmitResponse.self)
            // Received Tuesday 10:00 → run Thursday 2025-08-28 00:00 → expected +48 h.
            #expect(created.expectedCompletionTime == "2025-08-30T00:00:00Z")
            let id = submission.subjectRequestId
            await harness.advance(by: 38 * 3_600 - 1)
            #expect(try await status(id, harness).requestStatus == "pending")
            await harness.advance(by: 1)
            #expect(try await status(id, harness).requestStatus == "in_progress")
            #expect(try await status(id, harness).resultsUrl == nil)
            await harness.advance(by: 3_600)
            let done = try await status(id, harness)
            #expect(done.requestStatus == "completed")
            #expect(done.resultsUrl == harness.baseURL.appending(path: "v3/requests/\(id)/results").absoluteString)
        }
    }

    @Test("a clock jump applies every due transition in one tick")
    func jump() async throws {
        try await SimulatorHarness.run { harness async throws in
            let submission = SimulatorHarness.submission(type: "portability")
            #expect(try await harness.submit(submission).status == 201)
            await harness.advance(by: 30 * 86_400)
            #expect(try await status(submission.subjectRequestId, harness).requestStatus == "completed")
        }
    }

    @Test("a fixed access delay replaces the Monday/Thursday runs")
    func fixedDelay() async throws {
        let configuration = SimulatorHarness.configuration { $0.accessSchedule = .fixedDelay(600) }
        try await SimulatorHarness.run(configuration) { harness in
            let submission = SimulatorHarness.submission(type: "access")
            let created = try await harness.submit(submission).decode(SubmitResponse.self)
            #expect(created.expectedCompletionTime == "2025-08-28T10:10:00Z")
            await harness.advance(by: 600)
            #expect(try await status(submission.subjectRequestId, harness).requestStatus == "in_progress")
        }
    }

    @Test("unknown ids get 404; group listing needs group_id")
    func unknown() async throws {
        try await SimulatorHarness.run { harness in
            let answer = try await harness.send(.GET, "v3/requests/\(UUID().uuidString.lowercased())")
            #expect(answer.status == 404)
            #expect(
                try answer.decode(ProcessorErrorBody.self).message
                    == "The specified subject request id could not be found")
            #expect(try await harness.send(.GET, "v3/requests").status == 400)
            #expect(try await harness.send(.GET, "v3/requests?group_id=none").text == "[]")
        }
    }
}
