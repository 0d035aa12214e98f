import Foundation

/// Runs the built `dsr-gateway` executable (from `swift build --build-tests`) as a user would.
enum CommandLineRunner {
    static let executable = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/dsr-gateway")

    /// The exit status and everything printed.
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs to completion with `environment` added to a minimal one.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = try start(arguments, environment: environment)
        let output = process.standardOutput.fileHandleForReading.readDataToEndOfFile()
        let errors = process.standardError.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return Result(
            status: process.process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            errors: String(decoding: errors, as: UTF8.self))
    }

    /// Runs to completion on a dispatch queue, so a long run does not hold one of the few cooperative threads (on
    /// 2 cores, two blocked threads would stall every other test's async work); terminated after `timeout` seconds.
    static func runInBackground(
        _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 180
    ) async throws -> Result {
        let running = try start(arguments, environment: environment)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if running.process.isRunning { running.process.terminate() }
        }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let output = running.standardOutput.fileHandleForReading.readDataToEndOfFile()
                let errors = running.standardError.fileHandleForReading.readDataToEndOfFile()
                running.process.waitUntilExit()
                continuation.resume(
                    returning: Result(
                        status: running.process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                        errors: String(decoding: errors, as: UTF8.self)))
            }
        }
    }

    /// A started process and its pipes.
    /// Process and Pipe are thread-safe for what tests do with them (wait, read, terminate from a watchdog).
    struct Running: @unchecked Sendable {
        var process: Process
        var standardOutput: Pipe
        var standardError: Pipe
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "LOG_LEVEL": "warning"].merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return Running(process: process, standardOutput: output, standardError: errors)
    }
}
