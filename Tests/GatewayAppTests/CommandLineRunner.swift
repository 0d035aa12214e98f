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

    /// A started process and its pipes.
    struct Running {
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
