import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import GatewayTools
import Logging
import NIOPosix
import Persistence
import ProcessorSimulator
import ServiceLifecycle
import Workers

/// The processor simulator and the real gateway over loopback, sharing a manual clock and one SQLite file.
/// The gateway can be stopped and started again on the same file and port (restart tests).
package actor GatewayHarness {
    /// 2026-01-06T09:00:00Z, a Tuesday.
    package static let start = Date(timeIntervalSince1970: 1_767_690_000)
    /// Silent unless `TEST_LOG_LEVEL` names a level (then to standard error), for debugging a failing test.
    package static let quietLogger: Logger = {
        let name = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"] ?? ""
        guard let level = Logger.Level(rawValue: name) else {
            return Logger(label: "tests", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        var logger = Logger(label: "tests", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }()

    package nonisolated let clock: ManualWallClock
    package nonisolated let simulator: ProcessorSimulator
    package nonisolated let database: TemporaryDatabase
    /// The SQLite file the harness's gateway keeps its data in.
    package nonisolated var storePath: String { DevEnvironment.databasePath(in: database.directory) }
    /// The file a shown result location (an archive's name in the results directory) stands for.
    package nonisolated func resultsFile(_ shownLocation: String?) throws -> URL {
        guard let shownLocation, !shownLocation.contains("/") else { throw UnexpectedResultLocation() }
        return URL(fileURLWithPath: DevEnvironment.resultsDirectory(in: database.directory))
            .appendingPathComponent(shownLocation)
    }

    /// The archive a shown result location stands for, opened (it is sealed at rest) with the keys the harness's
    /// gateway loaded into this process.
    package nonisolated func openedResults(_ shownLocation: String?, requestID: String) throws -> Data {
        let opened = database.directory.appendingPathComponent("opened-\(UUID()).zip")
        defer { try? FileManager.default.removeItem(at: opened) }
        try SealedArchive.open(try resultsFile(shownLocation), to: opened, requestID: requestID)
        return try Data(contentsOf: opened)
    }

    /// A result location that is not a bare file name (it would expose the machine's paths).
    package struct UnexpectedResultLocation: Error {}
    package nonisolated let apiKey = DevEnvironment.randomSecret()
    package nonisolated let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    private let logger: Logger
    package private(set) var port = 0
    private let adjust: @Sendable (inout GatewayConfiguration) -> Void
    private var gateway: (services: ServiceGroup, task: Task<Void, any Error>, api: GatewayAPIClient)?

    private init(
        clock: ManualWallClock, simulator: ProcessorSimulator, database: TemporaryDatabase, logger: Logger,
        adjust: @escaping @Sendable (inout GatewayConfiguration) -> Void
    ) {
        self.adjust = adjust
        self.clock = clock
        self.simulator = simulator
        self.database = database
        self.logger = logger
    }

    /// Runs `body` with a running simulator (no background ticking) and a started gateway; stops both afterwards.
    package static func with<T: Sendable>(
        simulator configuration: SimulatorConfiguration = SimulatorConfiguration(tickInterval: nil),
        gateway adjust: @escaping @Sendable (inout GatewayConfiguration) -> Void = { _ in },
        logger: Logger = quietLogger, _ body: (GatewayHarness) async throws -> T
    ) async throws -> T {
        let clock = ManualWallClock(start)
        let simulator = try ProcessorSimulator(configuration: configuration, clock: clock, logger: logger)
        let harness = GatewayHarness(
            clock: clock, simulator: simulator, database: try TemporaryDatabase(), logger: logger, adjust: adjust)
        let simulatorServices = ServiceGroup(services: [simulator], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulatorServices.run() }
            defer { try? harness.database.remove() }
            do {
                _ = try await harness.startGateway()
                let result = try await body(harness)
                try await harness.finish(simulatorServices)
                return result
            } catch {
                try? await harness.finish(simulatorServices)
                throw error
            }
        }
    }

    private func finish(_ simulatorServices: ServiceGroup) async throws {
        try await stopGateway()
        await simulatorServices.triggerGracefulShutdown()
        try await httpClient.shutdown()
    }

    /// The running gateway's API client.
    package var api: GatewayAPIClient {
        get throws {
            guard let gateway else { throw HarnessError(what: "the gateway is not running") }
            return gateway.api
        }
    }

    /// The gateway's base URL (stable across restarts).
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the gateway on the harness's SQLite file (and, after the first start, on the same port).
    @discardableResult
    package func startGateway() async throws -> GatewayAPIClient {
        var configuration = DevEnvironment.gatewayConfiguration(
            simulator: simulator, simulatorURL: try await simulator.waitUntilListening(),
            dataDirectory: database.directory,
            port: port, apiKeySecret: apiKey, pollInterval: 0.01)
        // Tests about callbacks must not race the poller; tests about polling turn it on.
        configuration.reconciliation.staleAfter = 365 * 86_400
        // The whole suite shares two cores with child gateways, PostgreSQL and moto: a check may wait its turn for
        // longer than production's 2 s without anything being wrong.
        configuration.healthCheckTimeout = 15
        adjust(&configuration)
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = try await buildApplication(
            configuration: configuration, clock: clock, logger: logger, onListening: { portSink.yield($0) })
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw CancellationError() }
        port = bound
        let api = GatewayAPIClient(baseURL: baseURL, apiKey: apiKey, httpClient: httpClient)
        gateway = (services, task, api)
        return api
    }

    /// Stops the gateway gracefully (server, dispatcher, store, in that order).
    package func stopGateway() async throws {
        guard let gateway else { return }
        self.gateway = nil
        await gateway.services.triggerGracefulShutdown()
        try await gateway.task.value
    }

    /// Moves the shared clock and lets the simulator apply its lifecycle and send due callbacks.
    package func advance(by seconds: TimeInterval) async throws {
        try await simulator.advance(by: seconds)
    }

    /// Moves the clock `days` forward in 6-hour steps (each step a simulator tick and, when due, a callback batch),
    /// the way time passes between Baton polls.
    package func advance(days: Double) async throws {
        for _ in 0..<Int((days * 4).rounded(.up)) {
            try await advance(by: 6 * 3600)
        }
    }

    /// Polls `condition` (real time, every 10 ms) until it holds; fails after `timeout`.
    package nonisolated func eventually(
        timeout: Duration = .seconds(30), _ what: String, _ condition: @Sendable () async throws -> Bool
    ) async throws {
        try await Self.eventually(timeout: timeout, what, condition)
    }

    /// ``eventually(timeout:_:_:)`` for tests without a harness.
    package static func eventually(
        timeout: Duration = .seconds(30), _ what: String, _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessError(what: "timed out waiting until \(what)")
    }

    /// Waits until the request has reached `state`.
    @discardableResult
    package func waitFor(_ id: String, state: String) async throws -> RequestSnapshot {
        let api = try api
        try await eventually("request reaches \(state)") { try await api.request(id).state == state }
        return try await api.request(id)
    }
}

/// The harness could not do what a test asked.
package struct HarnessError: Error, CustomStringConvertible {
    package var what: String

    package init(what: String) { self.what = what }
    package var description: String { what }
}
