import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import OpenDSR
import ProcessorSimulator
import Synchronization
import Testing
import TestSupport

/// Results downloads go through the same pacer as every other processor call.
@Suite struct DownloadPacingTests {
    @Test func a429OnADownloadPausesEveryCallAndCountsInMetrics() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
        let logger = Logger(label: "download-pacing", factory: { _ in SwiftLogNoOpLogHandler() })
        let simulator = try ProcessorSimulator(
            configuration: SimulatorConfiguration(tickInterval: nil), clock: clock, logger: logger)
        try await TemporaryDatabase.withStore { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await simulator.run() }
                defer { group.cancelAll() }
                let baseURL = try await simulator.waitUntilListening().absoluteString + "/v3"
                let observed = Observed()
                let client = OpenDSRClient(
                    httpClient: .shared,
                    configuration: .init(baseURL: baseURL, workspaceKey: "sim-key", workspaceSecret: "sim-secret"),
                    pacer: ProcessorPacer(clock: clock, ledger: store),
                    observer: { operation, outcome, _ in observed.add(operation, outcome) })
                simulator.setFaults(SimulatorFaults(rateLimitStorm: true, rateLimitStormRetryAfter: 45))
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("download-\(UUID()).zip")
                let outcome = await client.downloadResults(
                    from: baseURL + "/requests/\(UUID().uuidString.lowercased())/results", to: file, maxBytes: 1 << 20,
                    logger: logger)
                guard case .rateLimited(45) = outcome else { throw OutcomeMismatch(outcome.summary) }
                #expect(client.pacer.remainingPause == 45)
                guard case .held = await client.discovery(logger: logger) else {
                    throw OutcomeMismatch("discovery was not held by the pause")
                }
                #expect(observed.calls == ["download rate_limited"])
            }
        }
    }
}

/// What the client's observer heard.
private final class Observed: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ operation: String, _ outcome: String) { list.withLock { $0.append("\(operation) \(outcome)") } }
    var calls: [String] { list.withLock { $0 } }
}
