import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence
import ProcessorSimulator
import Synchronization
import Testing
import TestSupport

/// Three instances on one PostgreSQL database against a simulator whose workspace limit is theirs, on real clocks:
/// together they send exactly what the limit allows, cause no 429, and a 429 one of them meets holds all three.
@Suite struct FleetPacingTests {
    @Test func threeInstancesOnOneDatabaseKeepOneWorkspaceLimit() async throws {
        let logger = GatewayHarness.quietLogger
        let simulator = try ProcessorSimulator(
            configuration: SimulatorConfiguration(requestsPerMinute: 30, tickInterval: nil), clock: SystemWallClock(),
            logger: logger)
        try await Self.withStores(3) { stores in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await simulator.run() }
                defer { group.cancelAll() }
                let baseURL = try await simulator.waitUntilListening().absoluteString + "/v3"
                let clients = stores.map { store in
                    OpenDSRClient(
                        httpClient: .shared,
                        configuration: .init(
                            baseURL: baseURL, workspaceKey: "sim-key", workspaceSecret: "sim-secret",
                            requestsPerMinute: 30),
                        pacer: ProcessorPacer(
                            clock: SystemWallClock(), ledger: store, limits: WorkspaceLimits(requestsPerMinute: 30)))
                }
                // A 429 one instance meets holds the other two, for as long as it says.
                // Long enough for a loaded test run to ask the other two before it ends.
                simulator.setFaults(SimulatorFaults(rateLimitStorm: true, rateLimitStormRetryAfter: 5))
                let paused = ContinuousClock.now
                guard case .rateLimited = await clients[0].discovery(logger: logger) else {
                    throw OutcomeMismatch("the storm did not answer 429")
                }
                simulator.setFaults(SimulatorFaults())
                for client in clients[1...] {
                    guard case .held(let reason, let wait) = await client.discovery(logger: logger) else {
                        throw OutcomeMismatch("another instance was not held by the pause")
                    }
                    #expect(reason == "paused after a 429 from the processor")
                    #expect(wait > 0 && wait <= 5)
                }
                try await Task.sleep(until: paused + .seconds(5.5))

                // Then each instance with eight callers of endless work, until the simulator has answered every permit
                // of the minute (or 20 s, far inside the minute, have passed on a loaded machine): the 30 permits less
                // the one the 429 took. No permit comes back within the minute, so running longer could only show a
                // call over the limit.
                let deadline = ContinuousClock.now + .seconds(20)
                let used = StopFlag()
                let answered = await withTaskGroup(of: Int.self) { callers in
                    callers.addTask {
                        while ContinuousClock.now < deadline, await simulator.snapshot().busiestMinute < 29 {
                            try? await Task.sleep(for: .milliseconds(50))
                        }
                        used.stop()
                        return 0
                    }
                    for client in clients {
                        for _ in 0..<8 {
                            callers.addTask {
                                var answered = 0
                                while !used.stopped {
                                    switch await client.discovery(logger: logger) {
                                    case .success: answered += 1
                                    case .held(_, let wait): try? await Task.sleep(for: .seconds(min(wait, 0.1)))
                                    default: break
                                    }
                                }
                                return answered
                            }
                        }
                    }
                    return await callers.reduce(0, +)
                }
                // Discovery is urgent (certificate lookups): every permit used, not one over, not one 429 caused. The
                // simulator's count is the exact one (a call it answered may still time out on the way back on a
                // loaded machine, so the callers' own count is only bounded above).
                let snapshot = await simulator.snapshot()
                #expect(snapshot.busiestMinute == 29, "answered \(answered)")
                #expect(answered <= 29)
                #expect(snapshot.refusals.rateLimited == 0)
            }
        }
    }

    /// Runs `body` with `count` stores (instances) on one new database, closed and dropped afterwards.
    static func withStores(_ count: Int, _ body: ([PostgresRequestStore]) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url in
            var stores: [PostgresRequestStore] = []
            do {
                for _ in 0..<count {
                    stores.append(
                        try await PostgresRequestStore.open(
                            url: url, logger: GatewayHarness.quietLogger, timeLimit: .seconds(30)))
                }
                try await body(stores)
            } catch {
                for store in stores { try? await store.close() }
                throw error
            }
            for store in stores { try await store.close() }
        }
    }
}

/// Tells the callers the permits are used.
private final class StopFlag: Sendable {
    private let value = Mutex(false)
    var stopped: Bool { value.withLock { $0 } }
    func stop() { value.withLock { $0 = true } }
}
