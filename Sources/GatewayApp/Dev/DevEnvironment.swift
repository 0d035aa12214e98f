import Crypto
import DSRCore
import Foundation
import Hummingbird
import GatewayHTTP
import Logging
import OpenDSR
import Operations
import Persistence
import ProcessorSimulator
import Workers

/// `serve --dev`: an in-process processor simulator and the gateway on loopback, a temporary SQLite file and a
/// freshly generated API key with every scope. No credentials or network needed.
package enum DevEnvironment {
    /// The simulator's lifecycle, sped up so a person can watch requests complete in about a minute.
    package static let fastSimulator = SimulatorConfiguration(
        callbackBatchInterval: 5, erasureWaitingPeriod: 20, erasureShortWaitingPeriod: 10,
        erasureProcessingDuration: 20, accessSchedule: .fixedDelay(15), accessCompilationDuration: 10,
        expectedCompletionMargin: 60)

    static func run(port: Int, logger: Logger) async throws {
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-dev")
        defer { directory.remove() }
        announce("data (removed on exit): \(directory.url.path)")
        let secret = randomSecret()
        let simulator = try ProcessorSimulator(configuration: fastSimulator, clock: SystemWallClock(), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            let configuration = gatewayConfiguration(
                simulator: simulator, simulatorURL: try await simulator.waitUntilListening(),
                dataDirectory: directory.url, port: port, apiKeySecret: secret)
            let app = try await buildApplication(
                configuration: configuration, clock: SystemWallClock(), logger: logger,
                onListening: { port in
                    announce("listening on http://127.0.0.1:\(port)")
                    announce("dev api key: \(secret)")
                    announce("processor simulator on \(configuration.processor.baseURL)")
                })
            try await app.runService()
            group.cancelAll()
        }
    }

    /// The results directory of a gateway whose data lives in `dataDirectory`.
    package static func resultsDirectory(in dataDirectory: URL) -> String {
        dataDirectory.appendingPathComponent("results").path
    }

    /// The SQLite file of a gateway whose data lives in `dataDirectory`.
    package static func databasePath(in dataDirectory: URL) -> String {
        dataDirectory.appendingPathComponent("gateway.sqlite").path
    }

    /// A gateway configuration pointing at an in-process simulator and trusting only its root.
    package static func gatewayConfiguration(
        simulator: ProcessorSimulator, simulatorURL: URL, dataDirectory: URL, port: Int, apiKeySecret: String,
        pollInterval: TimeInterval = 0.2
    ) -> GatewayConfiguration {
        let database = databasePath(in: dataDirectory)
        var configuration = GatewayConfiguration(
            port: port, store: .sqlite(path: database),
            processor: OpenDSRClientConfiguration(
                baseURL: simulatorURL.absoluteString + "/v3", workspaceKey: simulator.configuration.workspaceKey,
                workspaceSecret: simulator.configuration.workspaceSecret),
            callbacks: CallbackConfiguration(
                allowedDomains: [simulator.configuration.processorDomain], trustRoots: .pem(simulator.trustRootPEM)),
            dispatcher: DispatcherConfiguration(pollInterval: pollInterval),
            results: ResultsWorkerConfiguration(
                directory: resultsDirectory(in: dataDirectory), pollInterval: pollInterval),
            reconciliation: ReconciliationConfiguration(pollInterval: pollInterval),
            events: EventsConfiguration(
                client: EventsClientConfiguration(
                    baseURL: simulatorURL.absoluteString + "/v2", inputKey: simulator.configuration.inputKey,
                    inputSecret: simulator.configuration.inputSecret),
                environment: .development),
            apiKeys: [
                APIKey(name: "dev", sha256Hex: APIKey.hash(secret: apiKeySecret), scopes: Set(APIScope.allCases))!
            ])
        // The keys stay beside the SQLite file even when a test points the store at PostgreSQL.
        configuration.subjectKeyFile = SQLiteRequestStore.subjectKeyFile(for: database)
        configuration.audit.keyFile = database + ".audit-key"
        return configuration
    }

    /// 32 random bytes in hex.
    package static func randomSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.hexString
    }
}
