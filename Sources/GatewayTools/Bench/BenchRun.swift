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

/// `dsr-gateway bench`: one or more gateways in this process on loopback (a SQLite file, or a PostgreSQL database of
/// the run's own that they share; the simulator as their processor) under closed-loop load from this same process,
/// spread across them, then as many pacers on the same store against a simulator with a limit.
struct BenchRun {
    var seconds: Double
    var concurrency: Int
    var pacingLimit: Int
    var pacingSeconds: Double
    var instances = 1
    /// A PostgreSQL server to create the run's database on (dropped afterwards); nil: SQLite.
    var postgresServer: PostgresURL?

    func run() async throws -> (phases: [PhaseResult], alerts: AlertEvaluationBench.Result, pacing: PacingResult) {
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-bench")
        defer { directory.remove() }
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        // The gateways' database, and a fresh one for the pacing check (their calls would have spent its budget).
        var databases: [PostgresURL] = []
        do {
            if let server = postgresServer {
                for prefix in ["bench", "bench_pacing"] {
                    databases.append(try await PostgresDatabases.create(on: server, prefix: prefix, logger: logger))
                }
            }
            let result = try await run(
                in: directory, store: databases.first.map(StoreLocation.postgres),
                pacingStore: databases.last.map(StoreLocation.postgres)
                    ?? .sqlite(path: directory.url.appendingPathComponent("pacing.sqlite").path),
                logger: logger)
            for database in databases { try await PostgresDatabases.drop(database, logger: logger) }
            return result
        } catch {
            for database in databases { try? await PostgresDatabases.drop(database, logger: logger) }
            throw error
        }
    }

    private func run(
        in directory: TemporaryDirectory, store: StoreLocation?, pacingStore: StoreLocation, logger: Logger
    ) async throws -> (
        phases: [PhaseResult], alerts: AlertEvaluationBench.Result, pacing: PacingResult
    ) {
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
            (phases, exposition) = try await DevEnvironment.withGateways(
                instances: instances, store: store, simulator: simulator, clock: SystemWallClock(),
                directory: directory.url, secret: secret, pollInterval: 0.2, logger: logger
            ) { ports in
                let targets = ports.map { port in
                    BenchTarget(
                        baseURL: "http://127.0.0.1:\(port)", apiKey: secret, httpClient: httpClient,
                        signer: simulator.certificateChain.signer, domain: simulator.configuration.processorDomain)
                }
                let phases = try await measure(targets, storeName: store == nil ? "SQLite" : "PostgreSQL")
                let exposition = try await targets[0].metrics()
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
        var ledgers: [any GatewayStore] = []
        let pacing: PacingResult
        do {
            for _ in 0..<instances {
                ledgers.append(try await pacingStore.open(logger: logger))
            }
            pacing = try await PacingBench.run(
                limit: pacingLimit, seconds: pacingSeconds, ledgers: ledgers, logger: logger)
        } catch {
            for ledger in ledgers { try? await ledger.close() }
            throw error
        }
        for ledger in ledgers { try await ledger.close() }
        return (phases, alerts, pacing)
    }

    /// The three phases, each request to the next instance in turn.
    private func measure(_ targets: [BenchTarget], storeName: String) async throws -> [PhaseResult] {
        announce("durable submissions for \(Int(seconds)) s, \(concurrency) connections …")
        let ids = RecordedIds()
        let submissions = await LoadGenerator.run(
            "durable submissions (POST → \(storeName) commit → 202)", concurrency: concurrency, seconds: seconds
        ) { sequence in
            let target = targets[sequence % targets.count]
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
            await targets[sequence % targets.count].read(id: created[sequence % created.count])
        }
        // Each instance's callbacks name its own callback address (there is no load balancer in front of them).
        let bodies = try targets.map { target in try created.prefix(1000).map { try target.signedCallback(id: $0) } }
        announce("verified callbacks for \(Int(seconds)) s …")
        let callbacks = await LoadGenerator.run(
            "verified callbacks (chain + RSA signature → 202)", concurrency: concurrency, seconds: seconds
        ) { sequence in
            let instance = sequence % targets.count
            return await targets[instance].deliver(bodies[instance][sequence / targets.count % bodies[instance].count])
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
