import DSRCore
import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing

@Suite("Workspace rate limits")
struct RateLimitTests {
    @Test("over the per-minute limit: 429 with Retry-After and X-mp-rate-limit-exceeded until the window frees")
    func perMinute() async throws {
        try await SimulatorHarness.run(SimulatorHarness.configuration { $0.requestsPerMinute = 4 }) { harness in
            var used: [String?] = []
            for _ in 0..<4 {
                let answer = try await harness.send(.GET, "v3/discovery")
                #expect(answer.status == 200)
                used.append(answer.header("X-mp-rate-limit-percentage-used"))
            }
            #expect(used == ["25", "50", "75", "100"])
            let limited = try await harness.send(.POST, "v3/requests", body: Array("{}".utf8))
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "60")
            #expect(limited.header("X-mp-rate-limit-exceeded") == "workspace")
            #expect(try limited.decode(ProcessorErrorBody.self).code == 429)
            harness.clock.advance(by: 45)
            #expect(try await harness.send(.GET, "v3/discovery").header("Retry-After") == "15")
            harness.clock.advance(by: 15)
            #expect(try await harness.send(.GET, "v3/discovery").status == 200)
        }
    }

    @Test("over the daily POST limit: 429 until the next UTC day; reads still pass")
    func perDay() async throws {
        try await SimulatorHarness.run(SimulatorHarness.configuration { $0.submissionsPerDay = 2 }) { harness in
            for customer in ["d-1", "d-2"] {
                #expect(try await harness.submit(SimulatorHarness.submission(customerId: customer)).status == 201)
            }
            let limited = try await harness.submit(SimulatorHarness.submission(customerId: "d-3"))
            #expect(limited.status == 429)
            // 10:00 UTC → next midnight is 14 hours away.
            #expect(limited.header("Retry-After") == "50400")
            #expect(limited.header("X-mp-rate-limit-percentage-used") == "100")
            #expect(try await harness.send(.GET, "v3/discovery").status == 200)
            harness.clock.advance(by: 50_400)
            #expect(try await harness.submit(SimulatorHarness.submission(customerId: "d-3")).status == 201)
        }
    }

    @Test("unauthenticated requests do not use the workspace's quota")
    func unauthenticatedNotCounted() async throws {
        try await SimulatorHarness.run(SimulatorHarness.configuration { $0.requestsPerMinute = 1 }) {
            harness async throws in
            for _ in 0..<3 {
                #expect(try await harness.send(.GET, "v3/discovery", credentials: nil).status == 401)
            }
            #expect(try await harness.send(.GET, "v3/discovery").status == 200)
        }
    }
}
