import AsyncHTTPClient
import AuditLog
import DSRCore
import Foundation
import GatewayApp
import GatewayHTTP
import Logging
import OpenDSR
import Operations
import Persistence
import ProcessorSimulator
import S3

/// One soak run: the processor simulator in this process (real HTTP on loopback, real clock, fast lifecycle), one or
/// more gateway instances as child processes on one store (a SQLite file, or a PostgreSQL database of the run's own),
/// a PagerDuty stand-in receiving their alerts, a steady load through the gateways' API, the fault plan on a timeline,
/// then a drain until every accepted request is finished, and the report.
struct SoakRun {
    var requests: Int
    var perSecond: Double
    var processorLimit: Int
    var drainTimeout: Double
    var topology = SoakTopology()

    /// Runs it; the gateways' logs and data are removed after a passing run and kept otherwise.
    func run() async throws -> SoakReport {
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-soak")
        var logger = Logger(label: "soak")
        logger.logLevel = .critical
        var database: PostgresURL?
        if let server = topology.postgresServer {
            database = try await PostgresDatabases.create(on: server, prefix: "soak", logger: logger)
        }
        let report = try await run(in: directory, database: database, logger: logger)
        if report.passed {
            directory.remove()
            if let database { try? await PostgresDatabases.drop(database, logger: logger) }
        } else {
            announce(
                "gateway logs and data kept in \(directory.url.path)" + (database.map { ", database \($0)" } ?? ""))
        }
        return report
    }

    private func run(in directory: TemporaryDirectory, database: PostgresURL?, logger: Logger) async throws
        -> SoakReport
    {
        let wallStart = ContinuousClock.now
        let plan = SoakFaultPlan.standard(instances: topology.instances)
        let simulator = try ProcessorSimulator(
            configuration: Self.simulatorConfiguration(limit: processorLimit), clock: SystemWallClock(),
            logger: logger)
        let pagerDuty = PagerDutySink()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            group.addTask { try await pagerDuty.run(logger: logger) }
            defer { group.cancelAll() }
            let secret = DevEnvironment.randomSecret()
            if topology.s3Endpoint != nil { try await createBucket(logger: logger) }
            let configFile = try writeConfiguration(
                simulator: simulator, simulatorURL: try await simulator.waitUntilListening(), directory: directory.url,
                apiKeySecret: secret, database: database, pagerDutyURL: try await pagerDuty.waitUntilListening())
            let gateways = try (1...topology.instances).map {
                try GatewayProcess(
                    name: "instance-\($0)", configFile: configFile, logDirectory: directory.url,
                    environment: Self.awsEnvironment)
            }
            defer { for gateway in gateways { gateway.stop() } }
            var apis: [GatewayAPIClient] = []
            for gateway in gateways {
                apis.append(GatewayAPIClient(baseURL: try await gateway.start(), apiKey: secret, httpClient: .shared))
            }
            let period = Double(requests) / perSecond
            announce(
                "soak: \(requests) requests offered at \(perSecond)/s over \(Int(period)) s, processor limit "
                    + "\(processorLimit)/min; \(topology.summary); logs in \(directory.url.path)")
            let load = SoakLoad(apis: apis, count: requests, perSecond: perSecond, giveUpAfter: .seconds(drainTimeout))
            // The faults are timed from the first offer, not from the run's start: starting the instances takes
            // seconds on a busy machine, and a fault before the load would test nothing.
            let loadStart = ContinuousClock.now
            async let offered = load.run()
            let restarts = try await inject(
                plan, into: simulator, gateways: gateways, over: period, from: loadStart, since: wallStart)
            let offers = await offered
            simulator.setFaults(SimulatorFaults(dropCallbackFraction: plan.dropCallbackFraction))
            announce(Self.elapsed(since: wallStart) + " load offered; draining (callbacks still dropped)")
            let states = await drain(apis, ids: offers.filter(\.accepted).map(\.id), since: wallStart)
            var report = SoakReport(offered: offers, gateway: states, processor: await simulator.snapshot())
            report.processorLimit = processorLimit
            report.instances = gateways.map { (name: $0.name, authority: "127.0.0.1:\($0.port)") }
            report.alertTransitions = pagerDuty.transitions
            report.gatewayRestarts = restarts
            report.wallSeconds = (ContinuousClock.now - wallStart) / .seconds(1)
            return report
        }
    }

    /// Applies each fault at its time after `loadStart` (announced with the time since `start`); returns how many
    /// times an instance was killed or stopped and started again.
    private func inject(
        _ plan: SoakFaultPlan, into simulator: ProcessorSimulator, gateways: [GatewayProcess], over period: Double,
        from loadStart: ContinuousClock.Instant, since start: ContinuousClock.Instant
    ) async throws -> Int {
        var restarts = 0
        for step in plan.steps {
            try await Task.sleep(until: loadStart + .seconds(step.at * period))
            announce(Self.elapsed(since: start) + " " + step.fault.label)
            switch step.fault {
            case .simulator(let faults, _):
                simulator.setFaults(faults)
            case .rotateCertificate:
                _ = try simulator.rotateCertificate()
            case .killGateway(let index, let downFor):
                let gateway = gateways[index]
                gateway.crash()
                try await Task.sleep(for: .seconds(downFor))
                _ = try await gateway.start()
                restarts += 1
                announce(Self.elapsed(since: start) + " \(gateway.name) restarted on the same port and database")
            case .rollingRestart:
                for gateway in gateways {
                    gateway.stop()
                    _ = try await gateway.start()
                    restarts += 1
                    announce(Self.elapsed(since: start) + " \(gateway.name) stopped and started again")
                }
            }
        }
        return restarts
    }

    /// The results bucket, created unless it exists.
    private func createBucket(logger: Logger) async throws {
        let client = S3Client(configuration: try s3Configuration(), httpClient: .shared, logger: logger)
        do {
            try await client.createBucket()
        } catch {
            // Already there (owned by us): fine; anything else shows at the first upload.
            announce("bucket \(topology.s3Bucket) not created: \(error)")
        }
    }

    private func s3Configuration() throws -> S3Configuration {
        let environment = Self.awsEnvironment
        return try S3Configuration(
            bucket: topology.s3Bucket, endpoint: topology.s3Endpoint,
            credentials: .init(
                accessKeyId: environment["AWS_ACCESS_KEY_ID"] ?? "",
                secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? "",
                sessionToken: environment["AWS_SESSION_TOKEN"]))
    }

    /// The S3 credentials of this process's environment, handed on to the instances.
    private static var awsEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter {
            ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"].contains($0.key)
        }
    }

    /// Reads every accepted request until all are finished or `drainTimeout` passes; returns the last reads.
    private func drain(
        _ apis: [GatewayAPIClient], ids: [String], since start: ContinuousClock.Instant
    ) async -> [String: RequestSnapshot] {
        var states: [String: RequestSnapshot] = [:]
        let deadline = ContinuousClock.now + .seconds(drainTimeout)
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now < deadline {
            let open = ids.filter { !Self.isFinished(states[$0]) }
            if open.isEmpty { break }
            for (id, snapshot) in await Self.read(open, from: apis[0]) { states[id] = snapshot }
            if ContinuousClock.now - lastProgress > .seconds(5) {
                lastProgress = ContinuousClock.now
                let done = states.values.filter { $0.state == "completed" }.count
                announce(Self.elapsed(since: start) + " draining: \(done)/\(ids.count) completed")
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
        return states
    }

    /// Finished: in a final state and, for a completed access request, its results stored.
    private static func isFinished(_ request: RequestSnapshot?) -> Bool {
        guard let request, ["completed", "failed", "cancelled"].contains(request.state) else { return false }
        return request.type != "access" || request.state != "completed" || request.resultLocation != nil
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

    /// The instances' configuration file: the simulator's address, credentials and root, paced to its limit, polling
    /// fast, the circuit open for 5 s instead of 30, re-reading any request that has not moved for 5 s (a third of
    /// callbacks are lost), and one alert rule that fires whenever a request waits over 2 s to be delivered (the
    /// faults make it fire and resolve several times), evaluated every second and sent to the PagerDuty stand-in.
    private func writeConfiguration(
        simulator: ProcessorSimulator, simulatorURL: URL, directory: URL, apiKeySecret: String, database: PostgresURL?,
        pagerDutyURL: String
    ) throws -> String {
        let rootFile = directory.appendingPathComponent("processor-root.pem")
        try simulator.trustRootPEM.write(to: rootFile, atomically: true, encoding: .utf8)
        let rulesFile = directory.appendingPathComponent("alert-rules.yaml")
        try Self.alertRules.write(to: rulesFile, atomically: true, encoding: .utf8)
        var store: [String: Any] =
            database.map { ["postgres_url": $0.connectionString] }
            ?? ["sqlite_path": directory.appendingPathComponent("gateway.sqlite").path]
        // Every instance seals subjects and signs checkpoints with the same keys.
        store["encryption_key"] = SubjectKeys.generate()
        var results: [String: Any] = ["poll_interval_seconds": 0.2]
        if let endpoint = topology.s3Endpoint {
            results["s3"] = ["bucket": topology.s3Bucket, "endpoint": endpoint]
        } else {
            results["directory"] = directory.appendingPathComponent("results").path
        }
        let configuration: [String: Any] = [
            "http": ["host": "127.0.0.1", "port": 0],
            "store": store,
            "processor": [
                "base_url": simulatorURL.absoluteString + "/v3", "workspace_key": simulator.configuration.workspaceKey,
                "workspace_secret": simulator.configuration.workspaceSecret, "timeout_seconds": 5,
                "requests_per_minute": processorLimit, "circuit_open_seconds": 5,
            ],
            "callbacks": [
                "allowed_domains": [simulator.configuration.processorDomain], "trust_roots_file": rootFile.path,
            ],
            "dispatcher": ["poll_interval_seconds": 0.2, "batch_size": 20],
            "results": results,
            "poller": ["stale_after_seconds": 5, "poll_interval_seconds": 0.5],
            "alerts": [
                "rules_file": rulesFile.path, "evaluation_interval_seconds": 1, "repeat_interval_seconds": 86_400,
                "pagerduty": ["url": pagerDutyURL, "routing_key": "soak-routing-key"],
            ],
            "api_keys": ["soak:\(APIKey.hash(secret: apiKeySecret)):requests:read+requests:write"],
            "audit": ["signing_key": try NoteSigner(name: "dsr-gateway/soak").encoded],
        ]
        let file = directory.appendingPathComponent("gateway.json")
        try JSONSerialization.data(withJSONObject: configuration).write(to: file)
        return file.path
    }

    /// The one rule of a soak run (the built-in ones watch windows of minutes).
    static let alertRules = """
        rules:
          - name: SoakDeliveryDelayed
            summary: A request has waited over 2 s to be delivered
            kind: gauge
            metric: dsr_gateway_queue_oldest_age_seconds
            above: 2
            for: 1s
            severity: high
            route: pagerduty
            runbook: docs/runbooks.md#dispatcher-not-draining
        """
}
