import DSRCore
import Foundation
import Logging
import PostgresNIO

/// Creates and drops whole databases on a server (tests take one each; the fleet harness one per run).
package enum PostgresDatabases {
    /// Creates a database with a fresh name on the server of `server` and returns its URL.
    package static func create(on server: PostgresURL, prefix: String, logger: Logger) async throws -> PostgresURL {
        let name = "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await run(["CREATE DATABASE \"\(name)\""], on: server, logger: logger)
        return server.with(database: name)
    }

    /// Drops the database of `url` (connections to it are ended first).
    package static func drop(_ url: PostgresURL, logger: Logger) async throws {
        try await run(
            ["DROP DATABASE IF EXISTS \"\(url.database)\" WITH (FORCE)"], on: url.with(database: "postgres"),
            logger: logger)
    }

    /// Runs `statements` in order on one connection of their own (tests also use it to change a database behind the
    /// gateway's back, as someone with access to the server could).
    package static func run(_ statements: [String], on url: PostgresURL, logger: Logger) async throws {
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: url.usesTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            for sql in statements { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

extension PostgresDatabases {
    /// Connects to `url` and writes a row of a temporary table, changing nothing (what `check-config`
    /// asks before a deployment). Throws ``StoreError/Code/unavailable`` when the server cannot be reached in time.
    package static func checkWritable(_ url: PostgresURL, logger: Logger) async throws {
        do {
            try await withTimeLimit(.seconds(10)) {
                try await run(
                    ["CREATE TEMP TABLE dsr_gateway_check (id INTEGER)", "INSERT INTO dsr_gateway_check VALUES (1)"],
                    on: url, logger: logger)
            }
        } catch let error where PostgresRequestStore.isUnavailability(error) {
            throw StoreError(code: .unavailable)
        }
    }
}
