import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import OpenDSR
import Operations
import Persistence
import ProcessorSimulator
import Synchronization

/// `dsr-gateway bench`: the gateway in this process on loopback (SQLite file, the simulator as its processor) under
/// closed-loop load from this same process, then the pacer against a simulator with a limit.
struct BenchRun {
    var seconds: Double
    var concurrency: Int
    var pacingLimit: Int
    var pacingSeconds: Double

    func run() async throws -> (phases: [PhaseResult], alerts: AlertEvaluationBench.Result, pacing: PacingResult) {
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-bench")
        defer { directory.remove() }
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        // No lifecycle ticks: requests stay pending at the processor, so no callbacks race the measured ones (and none
        // are left to send when the run stops).
        let simulator = try ProcessorSimulator(
            configuration: .init(tickInterval: nil), clock: SystemWallClock(), logger: logger)
        let httpClient = HTTPClient(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: .init(
                connectionPool: .init(
                    idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
        let phases: [PhaseResult]
        let exposition: String
        do {
            let secret = DevEnvironment.randomSecret()
            (phases, exposition) = try await DevEnvironment.withGateway(
                simulator: simulator, clock: SystemWallClock(), directory: directory.url, secret: secret,
                pollInterval: 0.2, logger: logger
            ) { port in
                let target = BenchTarget(
                    baseURL: "http://127.0.0.1:\(port)", apiKey: secret, httpClient: httpClient,
                    signer: simulator.certificateChain.signer, domain: simulator.configuration.processorDomain)
                let phases = try await measure(target)
                let exposition = try await target.metrics()
                // Idle keep-alive connections would hold the server's graceful shutdown open.
                try await httpClient.shutdown()
                return (phases, exposition)
            }
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        announce("alert evaluation over the scrape after the load …")
        let alerts = AlertEvaluationBench.run(exposition: exposition)
        announce("pacing: \(pacingLimit) calls/min for \(Int(pacingSeconds)) s …")
        let ledger = try await SQLiteRequestStore.open(
            path: directory.url.appendingPathComponent("pacing.sqlite").path, logger: logger)
        let pacing: PacingResult
        do {
            pacing = try await PacingBench.run(
                limit: pacingLimit, seconds: pacingSeconds, ledger: ledger, logger: logger)
        } catch {
            try? await ledger.close()
            throw error
        }
        try await ledger.close()
        return (phases, alerts, pacing)
    }

    private func measure(_ target: BenchTarget) async throws -> [PhaseResult] {
        announce("durable submissions for \(Int(seconds)) s, \(concurrency) connections …")
        let ids = RecordedIds()
        let submissions = await LoadGenerator.run(
            "durable submissions (POST → SQLite commit → 202)", concurrency: concurrency, seconds: seconds
        ) { sequence in
            let id = UUID().uuidString.lowercased()
            let accepted = await target.submit(id: id, subject: "bench-\(sequence)")
            if accepted { ids.append(id) }
            return accepted
        }
        let created = ids.all
        guard !created.isEmpty else { throw SoakError("no submission was accepted") }
        announce("status reads for \(Int(seconds)) s …")
        let reads = await LoadGenerator.run(
            "status reads (GET by id, with audit trail)", concurrency: concurrency, seconds: seconds
        ) { sequence in
            await target.read(id: created[sequence % created.count])
        }
        let bodies = try created.prefix(1000).map { try target.signedCallback(id: $0) }
        announce("verified callbacks for \(Int(seconds)) s …")
        let callbacks = await LoadGenerator.run(
            "verified callbacks (chain + RSA signature → 202)", concurrency: concurrency, seconds: seconds
        ) { sequence in
            await target.deliver(bodies[sequence % bodies.count])
        }
        return [submissions, reads, callbacks]
    }
}

/// Ids created during the submission phase, shared by its workers.
private final class RecordedIds: Sendable {
    private let ids = Mutex<[String]>([])
    func append(_ id: String) { ids.withLock { $0.append(id) } }
    var all: [String] { ids.withLock { $0 } }
}
