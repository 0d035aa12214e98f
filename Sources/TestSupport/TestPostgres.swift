import Foundation
import Logging
import Persistence

/// The PostgreSQL server of the test run: `./scripts/test` starts one (`scripts/test-postgres`) and names it in
/// `DSR_TEST_POSTGRES_URL`. Each test gets a database of its own, so tests run in parallel. Without the variable the
/// PostgreSQL tests fail, saying so: they never skip themselves.
package enum TestPostgres {
    /// The server's URL.
    package static var server: PostgresURL {
        get throws {
            guard let text = ProcessInfo.processInfo.environment["DSR_TEST_POSTGRES_URL"], let url = PostgresURL(text)
            else {
                throw HarnessError(
                    what: "DSR_TEST_POSTGRES_URL is not set: run ./scripts/test, or start a server with "
                        + "`scripts/test-postgres start` and export the URL it prints")
            }
            return url
        }
    }

    /// Runs `body` with the URL of a new, empty database, dropped afterwards (also when `body` throws).
    package static func withDatabase<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PostgresURL) async throws -> T
    ) async throws -> T {
        let logger = GatewayHarness.quietLogger
        let url = try await PostgresDatabases.create(on: try server, prefix: "test", logger: logger)
        let result: T
        do {
            result = try await body(url)
        } catch {
            try? await PostgresDatabases.drop(url, logger: logger)
            throw error
        }
        try await PostgresDatabases.drop(url, logger: logger)
        return result
    }
}

/// A PostgreSQL server of one test's own (`scripts/test-postgres`), which the test can halt as a crash would and
/// resume on the same port: what a database outage looks like to the gateway.
package struct OwnPostgresServer: Sendable {
    package let directory: String
    /// The server's `postgres` database.
    package let url: PostgresURL

    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/test-postgres").path

    /// Starts a server, runs `body`, and removes the server with its data (also when `body` throws).
    package static func with<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (OwnPostgresServer) async throws -> T
    ) async throws -> T {
        let printed = try await run("start").split(separator: " ")
        guard printed.count == 2, let url = PostgresURL(String(printed[1])) else {
            throw HarnessError(what: "scripts/test-postgres start printed \(printed)")
        }
        let server = OwnPostgresServer(directory: String(printed[0]), url: url)
        let result: T
        do {
            result = try await body(server)
        } catch {
            _ = try? await run("stop", server.directory)
            throw error
        }
        try await run("stop", server.directory)
        return result
    }

    /// Stops the server as a crash would, keeping its data.
    package func halt() async throws { try await Self.run("halt", directory) }

    /// Starts it again on the same port.
    package func resume() async throws { try await Self.run("resume", directory) }

    @discardableResult
    private static func run(_ arguments: String...) async throws -> String {
        // A file, not a pipe: the server the script starts inherits the descriptor and would hold a pipe open.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("test-postgres-\(UUID()).out")
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
            throw HarnessError(what: "cannot write \(output.path)")
        }
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        // Told by the termination handler: waitUntilExit() on a cooperative thread does not return on Linux.
        let status = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else {
            throw HarnessError(what: "scripts/test-postgres \(arguments.joined(separator: " ")) failed")
        }
        return try String(contentsOf: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
