import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import GatewayHTTP
import Logging
import NIOCore
import NIOPosix
import OpenDSR
import Operations
import Persistence
import ProcessorSimulator

/// `dsr-gateway bench`: one or more gateways in this process on loopback (a SQLite file, or a PostgreSQL database of
/// the run's own that they share; the simulator as their processor) under closed-loop load from this same process,
/// spread across them, then as many pacers on the same store against a simulator with a limit.
struct BenchRun {
    var seconds: Double
    var concurrency: Int
    var pacingLimit: Int
    var pacingSeconds: Double
    var instances = 1
    /// Alert evaluation rounds over the scrape after the load: a day at one every 30 s.
    var alertRounds = 2880
    /// A PostgreSQL server to create the run's database on (dropped afterwards); nil: SQLite.
    var postgresServer: PostgresURL?

    func run() async throws -> (phases: BenchPhases, alerts: AlertEvaluationBench.Result, pacing: PacingResult) {
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-bench")
        defer { directory.remove() }
        // Logged as in production (a JSON line per request, at info), but nowhere: the encoding is part of each
        // request's cost, the terminal is not.
        var logger = Logger(label: "bench") { JSONLogHandler(label: $0, write: { _ in }) }
        logger.logLevel = .info
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
        phases: BenchPhases, alerts: AlertEvaluationBench.Result, pacing: PacingResult
    ) {
        // No lifecycle ticks: requests stay pending at the processor, so no callbacks race the measured ones (and none
        // are left to send when the run stops).
        let simulator = try ProcessorSimulator(
            configuration: .init(tickInterval: nil), clock: SystemWallClock(), logger: logger)
        let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let phases: BenchPhases
        let exposition: String
        do {
            let secret = DevEnvironment.randomSecret()
            // The load comes from one key and one address, far past the production rate limits: lift them.
            var inbound = InboundLimits()
            inbound.requestsPerSecondPerKey = 1_000_000
            inbound.callbacksPerSecondPerAddress = 1_000_000
            (phases, exposition) = try await DevEnvironment.withGateways(
                instances: instances, store: store, inbound: inbound, simulator: simulator, clock: SystemWallClock(),
                directory: directory.url, secret: secret, pollInterval: 0.2, logger: logger
            ) { ports in
                let run = String(UInt16.random(in: 0...UInt16.max), radix: 16)
                let targets = ports.enumerated().map { index, port in
                    BenchTarget(
                        baseURL: "http://127.0.0.1:\(port)", apiKey: secret, httpClient: httpClient,
                        signer: simulator.certificateChain.signer, domain: simulator.configuration.processorDomain,
                        prefix: String(repeating: "0", count: 4 - run.count) + run + String(format: "%04x", index))
                }
                let phases = try await measure(
                    targets, storeName: store == nil ? "SQLite" : "PostgreSQL", directory: directory.url,
                    logger: logger)
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
        let alerts = AlertEvaluationBench.run(exposition: exposition, rounds: alertRounds)
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

    /// The three measured paths, then the ceiling the HTTP stack sets on this machine; every instance loaded at once.
    private func measure(
        _ targets: [BenchTarget], storeName: String, directory: URL, logger: Logger
    ) async throws -> BenchPhases {
        let load = WrkLoad(seconds: seconds, connections: concurrency, directory: directory)
        let urls = targets.map(\.baseURL)
        announce("durable submissions for \(Int(seconds)) s, \(concurrency) connections …")
        let submissions = try await load.run(
            "durable submissions (POST → \(storeName) commit → 202)", urls: urls,
            scripts: targets.map(\.submissionScript))
        // Each connection sends one request at a time, in the order the script numbers them, and only its last one
        // can be cut off by the end of the run: with one connection the first `operations` numbers were all created;
        // with more, the other connections' last ones may interleave (a number that was not created would show as a
        // read error, not pass unnoticed). Instances answer at different rates: each is read back by its own count.
        // The reads and callbacks cover 1,000 requests across the fleet, however many instances share them.
        let created = submissions.operationsPerInstance.map {
            min(1000 / targets.count, $0 - (load.connectionsPerInstance(targets.count) - 1))
        }
        guard created.allSatisfy({ $0 > 0 }), submissions.errors == 0 else {
            throw SoakError(
                "\(submissions.operations) submissions answered, \(submissions.errors) errors: too few to read back")
        }
        announce("status reads for \(Int(seconds)) s …")
        let readScripts = zip(targets, created).map { $0.readScript(count: $1) }
        let reads = try await load.run("status reads (GET by id, with audit trail)", urls: urls, scripts: readScripts)
        let answer = try await targets[0].statusBody(number: BenchTarget.firstCreated)
        announce("the same reads from a bare Hummingbird route (\(answer.count)-byte body) for \(Int(seconds)) s …")
        let bare = try await BareRoute.with(answering: answer, logger: logger) { url in
            try await load.run(
                "for scale: the same reads from a bare Hummingbird route (a fixed body of the same size)",
                urls: urls.map { _ in url }, scripts: readScripts)
        }
        let callbacks = try zip(targets, created).map { try $0.callbacks(count: $1) }
        announce("each request's first callback (it moves the request to pending, if it is not yet) …")
        for (target, first) in zip(targets, callbacks) { try await target.deliver(first) }
        let callbackScripts = zip(targets, callbacks).map { $0.callbackScript($1) }
        announce("verified callbacks for \(Int(seconds)) s …")
        let repeats = try await load.run(
            "verified callbacks (chain + RSA signature → 202)", urls: urls, scripts: callbackScripts)
        announce("the HTTP stack alone (liveness probe) for \(Int(seconds)) s …")
        let floor = try await load.run(
            "for scale: the HTTP stack alone (GET /health/live, no store)", urls: urls.map { $0 + "/health/live" },
            scripts: targets.map { _ in "" })
        return BenchPhases(
            submissions: submissions, reads: reads, callbacks: repeats, liveness: floor, bareReads: bare)
    }
}
