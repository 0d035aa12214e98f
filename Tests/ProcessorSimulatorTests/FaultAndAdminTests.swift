import DSRCore
import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing

@Suite("Fault injection and admin routes")
struct FaultAndAdminTests {
    @Test("a counted 5xx fault answers 503 that many times, then recovers")
    func countedServerErrors() async throws {
        try await SimulatorHarness.run { harness in
            harness.simulator.setFaults(SimulatorFaults(serverErrorCount: 2))
            for _ in 0..<2 {
                let answer = try await harness.send(.GET, "v3/discovery")
                #expect(answer.status == 503)
                #expect(try answer.decode(ProcessorErrorBody.self).code == 503)
            }
            #expect(try await harness.send(.GET, "v3/discovery").status == 200)
            #expect(harness.simulator.faults.serverErrorCount == 0)
        }
    }

    @Test("a full 5xx fraction fails everything; a 429 storm answers with Retry-After")
    func fractionAndStorm() async throws {
        try await SimulatorHarness.run { harness in
            harness.simulator.setFaults(SimulatorFaults(serverErrorFraction: 1))
            #expect(try await harness.submit(SimulatorHarness.submission()).status == 503)
            harness.simulator.setFaults(SimulatorFaults(rateLimitStorm: true, rateLimitStormRetryAfter: 7))
            let storm = try await harness.send(.GET, "v3/discovery")
            #expect(storm.status == 429)
            #expect(storm.header("Retry-After") == "7")
            #expect(storm.header("X-mp-rate-limit-exceeded") == "workspace")
            harness.simulator.setFaults(.none)
            #expect(try await harness.submit(SimulatorHarness.submission()).status == 201)
        }
    }

    @Test("added latency delays /v3 answers")
    func latency() async throws {
        try await SimulatorHarness.run { harness async throws in
            harness.simulator.setFaults(SimulatorFaults(latencyMilliseconds: 150))
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await harness.send(.GET, "v3/discovery").status == 200)
            #expect(clock.now - started >= .milliseconds(150))
        }
    }

    @Test("POST /_sim/faults sets faults from snake_case JSON; {} clears them")
    func faultsRoute() async throws {
        try await SimulatorHarness.run { harness in
            let json = #"{"server_error_count":1,"drop_callback_fraction":0.5,"latency_ms":3}"#
            let set = try await harness.send(.POST, "_sim/faults", body: Array(json.utf8), credentials: nil)
            #expect(set.status == 200)
            #expect(
                harness.simulator.faults
                    == SimulatorFaults(latencyMilliseconds: 3, serverErrorCount: 1, dropCallbackFraction: 0.5))
            #expect(try set.decode(SimulatorFaults.self) == harness.simulator.faults)
            #expect(
                try await harness.send(.POST, "_sim/faults", body: Array("{}".utf8), credentials: nil).status == 200)
            #expect(harness.simulator.faults == .none)
            #expect(
                try await harness.send(.POST, "_sim/faults", body: Array("[1]".utf8), credentials: nil).status == 400)
        }
    }

    @Test("POST /_sim/advance moves the manual clock and ticks; /_sim/requests lists ids and statuses")
    func advanceAndList() async throws {
        try await SimulatorHarness.run { harness in
            let submission = SimulatorHarness.submission(skipWaitingPeriod: true)
            #expect(try await harness.submit(submission).status == 201)
            let advanced = try await harness.send(.POST, "_sim/advance?seconds=43200", credentials: nil)
            #expect(advanced.status == 200)
            #expect(harness.clock.now == SimulatorHarness.start.addingTimeInterval(43_200))
            let snapshot = try await harness.send(.GET, "_sim/requests", credentials: nil).decode(
                SimulatorSnapshot.self)
            #expect(snapshot.requests.map(\.subjectRequestId) == [submission.subjectRequestId])
            #expect(snapshot.requests.map(\.requestStatus) == ["in_progress"])
            #expect(snapshot.requests.map(\.regulation) == ["gdpr"])
            #expect(snapshot.now == "2025-08-26T22:00:00.000Z")
            #expect(try await harness.send(.POST, "_sim/advance?seconds=-1", credentials: nil).status == 400)
        }
    }

    @Test("POST /_sim/certificate/rotate serves a new leaf under the same root")
    func rotateRoute() async throws {
        try await SimulatorHarness.run { harness in
            let before = try await ServedChain.fetch(from: harness)
            let rotated = try await harness.send(.POST, "_sim/certificate/rotate", credentials: nil)
            #expect(rotated.status == 200)
            let after = try await ServedChain.fetch(from: harness)
            #expect(rotated.text == harness.simulator.certificateChain.chainPEM)
            #expect(after.leaf != before.leaf)
            #expect(after.certificates.last == before.certificates.last)
        }
    }

    @Test("advance(by:) refuses a clock that is not manual")
    func advanceNeedsManualClock() async throws {
        let simulator = try ProcessorSimulator(
            configuration: SimulatorHarness.configuration(), clock: FixedClock(), logger: SimulatorHarness.quietLogger)
        await #expect(throws: ProcessorSimulatorError.clockNotManual) { try await simulator.advance(by: 1) }
    }
}

/// A clock that is not a `ManualWallClock`.
private struct FixedClock: WallClock {
    var now: Date { SimulatorHarness.start }
}
