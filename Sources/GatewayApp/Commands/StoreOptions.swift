import ArgumentParser
import Configuration
import Foundation
import Logging
import Persistence
import SystemPackage

/// Where the database is: `--database` (a SQLite file), else `store.postgres_url` or `store.sqlite_path` from
/// `--config` or the environment.
struct StoreOptions: ParsableArguments {
    @Option(
        help:
            "SQLite database file (default: store.postgres_url or store.sqlite_path from --config or the environment)."
    )
    var database: String?

    @Option(help: "JSON configuration file to read store.postgres_url or store.sqlite_path from.")
    var config: String?

    /// The environment over `--config`, as the gateway reads them.
    func reader() async throws -> ConfigReader {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider()]
        if let config { providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(config))) }
        return ConfigReader(providers: providers)
    }

    /// The database this names; a SQLite file must exist unless `mustExist` is false.
    func location(mustExist: Bool = true) async throws -> StoreLocation {
        let reader = try await reader()
        let location: StoreLocation
        if let database {
            location = .sqlite(path: database)
        } else if let text = reader.string(forKey: "store.postgres_url", isSecret: true) {
            guard let url = PostgresURL(text) else { throw ValidationError("store.postgres_url is not a URL.") }
            location = .postgres(url)
        } else {
            location = .sqlite(path: reader.string(forKey: "store.sqlite_path", default: "dsr-gateway.sqlite"))
        }
        if mustExist, case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("No database at \(path).")
        }
        return location
    }

    /// Runs `body` with the store opened without migrating: a newer release's CLI must not change the schema under
    /// the running fleet.
    func withStore<T>(_ body: (any GatewayStore) async throws -> T) async throws -> T {
        try await location().withStore(
            logger: Self.logger, migrating: false, subjectKeys: try await subjectKeys(), body)
    }

    /// The subject keys as the gateway reads them (`store.encryption_key`, `store.previous_encryption_keys`,
    /// `store.encryption_key_file`); nil leaves a SQLite store to its key file, and a store without its key reads no
    /// subject.
    private func subjectKeys() async throws -> SubjectKeys? {
        let reader = try await reader()
        let configured = reader.string(forKey: "store.encryption_key", isSecret: true)
        let file = reader.string(forKey: "store.encryption_key_file")
        guard configured != nil || file != nil else { return nil }
        do {
            return try SubjectKeys.load(
                configured: configured,
                previous: reader.stringArray(forKey: "store.previous_encryption_keys", isSecret: true, default: []),
                keyFile: file ?? "", generating: false
            ).keys
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Warnings and errors only.
    static var logger: Logger {
        var logger = Logger(label: "dsr-gateway")
        logger.logLevel = .warning
        return logger
    }
}
