import ArgumentParser
import Configuration
import DSRCore
import Foundation
import Hummingbird
import Logging
import Operations
import SystemPackage

/// `dsr-gateway serve`: runs the gateway from a configuration file and the environment, or with `--dev` against an
/// in-process simulator.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway (configuration: environment over --config JSON file over defaults).")

    @Option(help: "JSON configuration file (keys as in the README).")
    var config: String?

    @Flag(help: "Development mode: in-process processor simulator, temporary SQLite, generated API key.")
    var dev = false

    @Option(help: "Port to listen on (0 picks a free port); overrides http.port.")
    var port: Int?

    func run() async throws {
        let logger = Logger(label: "dsr-gateway")
        if dev {
            try await DevEnvironment.run(port: port ?? 0, logger: logger)
            return
        }
        var loaded = try await Self.loadConfiguration(file: config)
        if let port { loaded.port = port }
        let configuration = loaded
        let app = try await buildApplication(
            configuration: configuration, clock: SystemWallClock(), logger: logger,
            onListening: { port in announce("listening on http://\(configuration.host):\(port)") })
        try await app.runService()
    }

    /// Reads the configuration: environment variables first, then the file, then defaults.
    static func loadConfiguration(file: String?) async throws -> GatewayConfiguration {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider()]
        if let file {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ValidationError("Cannot read the configuration file \(file).")
            }
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(file)))
        }
        do {
            return try GatewayConfiguration(reader: ConfigReader(providers: providers))
        } catch let error as ConfigurationError {
            throw ValidationError("Invalid configuration:\n- " + error.problems.joined(separator: "\n- "))
        }
    }

    /// ``loadConfiguration(file:)`` for commands that report a bad configuration as a line and exit 1.
    static func loadConfigurationOrExit(file: String?) async throws -> GatewayConfiguration {
        do {
            return try await loadConfiguration(file: file)
        } catch let error as ValidationError {
            announce(error.message)
            throw ExitCode(1)
        }
    }
}
