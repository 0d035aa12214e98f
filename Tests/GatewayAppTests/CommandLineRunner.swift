import Foundation
import Synchronization

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

    /// Runs to completion with `environment` added to a minimal one; terminated after `timeout` seconds, so a
    /// command that should have stopped (a `serve` that started after all) fails the test instead of hanging it. The
    /// wait happens on a dispatch queue, never on one of the few cooperative threads: on 2 cores, two tests blocked
    /// there would stall every other test's async work (and their HTTP deadlines would pass).
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120
    ) async throws -> Result {
        let running = try start(arguments, environment: environment)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: collect(running, timeout: timeout)) }
        }
    }

    /// Waits for the process, reading both pipes at once (a full standard error must not block standard output).
    private static func collect(_ running: Running, timeout: TimeInterval) -> Result {
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if running.process.isRunning { running.process.terminate() }
        }
        let errors = Mutex(Data())
        let reader = DispatchGroup()
        DispatchQueue.global().async(group: reader) {
            let data = running.standardError.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
        }
        let output = running.standardOutput.fileHandleForReading.readDataToEndOfFile()
        reader.wait()
        running.process.waitUntilExit()
        return Result(
            status: running.process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            errors: String(decoding: errors.withLock { $0 }, as: UTF8.self))
    }

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
