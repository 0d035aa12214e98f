import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import OpenDSR
import ProcessorSimulator

/// How exactly the pacers of one or more instances, sharing one workspace budget, keep a workspace limit on the real
/// clock: callers with endless work call a simulator whose limit equals the pacers', for a little over a minute.
struct PacingResult: Sendable {
    var limit: Int
    var seconds: Double
    var calls: Int
    /// The most calls in any rolling 60 s.
    var busiestMinute: Int
    /// 429s the simulator answered because the limit was exceeded.
    var rateLimited: Int
}

enum PacingBench {
    static func run(
        limit: Int, seconds: Double, ledgers: [any WorkspaceBudgetLedger], logger: Logger
    ) async throws -> PacingResult {
        let simulator = try ProcessorSimulator(
            configuration: SimulatorConfiguration(requestsPerMinute: limit), clock: SystemWallClock(), logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            defer { group.cancelAll() }
            let baseURL = try await simulator.waitUntilListening()
            // One client (instance) per ledger, each with its own pacer on the shared budget.
            let clients = ledgers.map { ledger in
                OpenDSRClient(
                    httpClient: .shared,
                    configuration: .init(
                        baseURL: baseURL.absoluteString + "/v3", workspaceKey: simulator.configuration.workspaceKey,
                        workspaceSecret: simulator.configuration.workspaceSecret, requestsPerMinute: limit),
                    pacer: ProcessorPacer(
                        clock: SystemWallClock(), ledger: ledger, limits: WorkspaceLimits(requestsPerMinute: limit)))
            }
            let deadline = ContinuousClock.now + .seconds(seconds)
            let times = await withTaskGroup(of: [Date].self) { callers in
                for caller in 0..<8 {
                    let client = clients[caller % clients.count]
                    callers.addTask {
                        var sent: [Date] = []
                        while ContinuousClock.now < deadline {
                            let at = Date()
                            switch await client.discovery(logger: logger) {
                            case .held(_, let wait): try? await Task.sleep(for: .seconds(min(wait, 1)))
                            case .success: sent.append(at)
                            default: try? await Task.sleep(for: .milliseconds(100))
                            }
                        }
                        return sent
                    }
                }
                return await callers.reduce(into: []) { $0 += $1 }.sorted()
            }
            var busiest = 0
            var windowStart = 0
            for (index, time) in times.enumerated() {
                while time.timeIntervalSince(times[windowStart]) >= 60 { windowStart += 1 }
                busiest = max(busiest, index - windowStart + 1)
            }
            return PacingResult(
                limit: limit, seconds: seconds, calls: times.count, busiestMinute: busiest,
                rateLimited: await simulator.snapshot().refusals.rateLimited)
        }
    }
}
