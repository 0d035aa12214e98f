import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import GatewayHTTP
import Logging
import OpenDSR
import Operations
import ProcessorSimulator

/// One soak run: the processor simulator in this process (real HTTP on loopback, real clock, fast lifecycle), the
/// gateway as a child process on its own SQLite file, a steady load through the gateway's API, the fault plan on a
/// timeline, then a drain until every accepted request is finished, and the report.
struct SoakRun {
    var requests: Int
    var perSecond: Double
    var processorLimit: Int
    var drainTimeout: Double
    var plan = SoakFaultPlan.standard()

    /// Runs it; the gateway's logs and database are removed after a passing run and kept otherwise.
    func run() async throws -> SoakReport {
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-soak")
        let report = try await run(in: directory)
        if report.passed {
            directory.remove()
        } else {
            announce("gateway logs and database kept in \(directory.url.path)")
        }
        return report
    }

    private func run(in directory: TemporaryDirectory) async throws -> SoakReport {
        let wallStart = ContinuousClock.now
        var logger = Logger(label: "soak")
        logger.logLevel = .critical
        let simulator = try ProcessorSimulator(
            configuration: Self.simulatorConfiguration(limit: processorLimit), clock: SystemWallClock(),
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            defer { group.cancelAll() }
            let secret = DevEnvironment.randomSecret()
            let configFile = try writeConfiguration(
                simulator: simulator, simulatorURL: try await simulator.waitUntilListening(), directory: directory.url,
                apiKeySecret: secret)
            let gateway = try GatewayProcess(configFile: configFile, logDirectory: directory.url)
            defer { gateway.stop() }
            let api = GatewayAPIClient(baseURL: try await gateway.start(), apiKey: secret, httpClient: .shared)
            let period = Double(requests) / perSecond
            announce(
                "soak: \(requests) requests offered at \(perSecond)/s over \(Int(period)) s, processor limit "
                    + "\(processorLimit)/min; gateway on \(api.baseURL), logs in \(directory.url.path)")
            let load = SoakLoad(api: api, count: requests, perSecond: perSecond, giveUpAfter: .seconds(drainTimeout))
            async let offered = load.run()
            let restarts = try await inject(plan, into: simulator, gateway: gateway, over: period, since: wallStart)
            let offers = await offered
            simulator.setFaults(SimulatorFaults(dropCallbackFraction: plan.dropCallbackFraction))
            announce(Self.elapsed(since: wallStart) + " load offered; draining (callbacks still dropped)")
            let states = await drain(api, ids: offers.filter(\.accepted).map(\.id), since: wallStart)
            var report = SoakReport(offered: offers, gateway: states, processor: await simulator.snapshot())
            report.gatewayRestarts = restarts
            report.wallSeconds = (ContinuousClock.now - wallStart) / .seconds(1)
            return report
        }
    }

    /// Applies each fault at its time; returns how many times the gateway was killed and restarted.
    private func inject(
        _ plan: SoakFaultPlan, into simulator: ProcessorSimulator, gateway: GatewayProcess, over period: Double,
        since start: ContinuousClock.Instant
    ) async throws -> Int {
        var restarts = 0
        for step in plan.steps {
            try await Task.sleep(until: start + .seconds(step.at * period))
            announce(Self.elapsed(since: start) + " " + step.fault.label)
            switch step.fault {
            case .simulator(let faults, _):
                simulator.setFaults(faults)
            case .rotateCertificate:
                _ = try simulator.rotateCertificate()
            case .killGateway(let downFor):
                gateway.crash()
                try await Task.sleep(for: .seconds(downFor))
                _ = try await gateway.start()
                restarts += 1
                announce(Self.elapsed(since: start) + " gateway restarted on the same port and database")
            }
        }
        return restarts
    }

    /// Reads every accepted request until all are finished or `drainTimeout` passes; returns the last reads.
    private func drain(
        _ api: GatewayAPIClient, ids: [String], since start: ContinuousClock.Instant
    ) async -> [String: RequestSnapshot] {
        var states: [String: RequestSnapshot] = [:]
        let deadline = ContinuousClock.now + .seconds(drainTimeout)
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now < deadline {
            let open = ids.filter { !["completed", "failed", "cancelled"].contains(states[$0]?.state ?? "") }
            if open.isEmpty { break }
            for (id, snapshot) in await Self.read(open, from: api) { states[id] = snapshot }
            if ContinuousClock.now - lastProgress > .seconds(5) {
                lastProgress = ContinuousClock.now
                let done = states.values.filter { $0.state == "completed" }.count
                announce(Self.elapsed(since: start) + " draining: \(done)/\(ids.count) completed")
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
        return states
    }

    /// Reads requests, at most 16 at a time.
    private static func read(_ ids: [String], from api: GatewayAPIClient) async -> [(String, RequestSnapshot)] {
        await withTaskGroup(of: (String, RequestSnapshot)?.self) { group in
            var results: [(String, RequestSnapshot)] = []
            for (index, id) in ids.enumerated() {
                if index >= 16, let result = await group.next() { result.map { results.append($0) } }
                group.addTask { (try? await api.request(id)).map { (id, $0) } }
            }
            for await result in group { result.map { results.append($0) } }
            return results
        }
    }

    private static func elapsed(since start: ContinuousClock.Instant) -> String {
        String(format: "[%6.1f s]", (ContinuousClock.now - start) / .seconds(1))
    }

    /// mParticle's rules with a lifecycle of seconds instead of days, callbacks batched every second.
    static func simulatorConfiguration(limit: Int) -> SimulatorConfiguration {
        SimulatorConfiguration(
            requestsPerMinute: limit, callbackBatchInterval: 1, erasureWaitingPeriod: 3, erasureShortWaitingPeriod: 1,
            erasureProcessingDuration: 2, accessSchedule: .fixedDelay(2), accessCompilationDuration: 1,
            expectedCompletionMargin: 10, tickInterval: .milliseconds(250))
    }

    /// The child gateway's configuration file: the simulator's address, credentials and root, paced to its limit,
    /// polling fast, the circuit open for 5 s instead of 30, and re-reading any request that has not moved for 5 s
    /// (a third of callbacks are lost).
    private func writeConfiguration(
        simulator: ProcessorSimulator, simulatorURL: URL, directory: URL, apiKeySecret: String
    ) throws -> String {
        let rootFile = directory.appendingPathComponent("processor-root.pem")
        try simulator.trustRootPEM.write(to: rootFile, atomically: true, encoding: .utf8)
        let configuration: [String: Any] = [
            "http": ["host": "127.0.0.1", "port": 0],
            "store": ["sqlite_path": directory.appendingPathComponent("gateway.sqlite").path],
            "processor": [
                "base_url": simulatorURL.absoluteString + "/v3", "workspace_key": simulator.configuration.workspaceKey,
                "workspace_secret": simulator.configuration.workspaceSecret, "timeout_seconds": 5,
                "requests_per_minute": processorLimit, "circuit_open_seconds": 5,
            ],
            "callbacks": [
                "allowed_domains": [simulator.configuration.processorDomain], "trust_roots_file": rootFile.path,
            ],
            "dispatcher": ["poll_interval_seconds": 0.2, "batch_size": 20],
            "results": ["directory": directory.appendingPathComponent("results").path, "poll_interval_seconds": 0.2],
            "poller": ["stale_after_seconds": 5, "poll_interval_seconds": 0.5],
            "api_keys": ["soak:\(APIKey.hash(secret: apiKeySecret)):requests:read+requests:write"],
        ]
        let file = directory.appendingPathComponent("gateway.json")
        try JSONSerialization.data(withJSONObject: configuration).write(to: file)
        return file.path
    }
}
