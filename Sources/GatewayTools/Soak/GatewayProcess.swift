import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One gateway instance as a child process of a soak run: this same executable running `serve --config FILE`,
/// killed with SIGKILL or stopped mid-run and restarted on the same port (the callback URLs the processor holds point
/// there).
final class GatewayProcess {
    /// `instance-1`, `instance-2`, …: names its log files and its row in the report.
    let name: String
    private let executable: URL
    private let configFile: String
    private let logDirectory: URL
    private let environment: [String: String]
    private var process: Process?
    private var starts = 0
    /// The port it listens on, fixed by the first start.
    private(set) var port = 0

    /// `environment` adds to the minimal one every instance gets (S3 credentials, for example).
    init(name: String, configFile: String, logDirectory: URL, environment: [String: String] = [:]) throws {
        guard let executable = Bundle.main.executableURL else { throw SoakError("cannot find this executable") }
        self.name = name
        self.executable = executable
        self.configFile = configFile
        self.logDirectory = logDirectory
        self.environment = environment
    }

    /// Starts the gateway and waits (at most 60 s) until it announces `listening on …`; returns the base URL.
    func start() async throws -> String {
        starts += 1
        let log = logDirectory.appendingPathComponent("\(name)-\(starts).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw SoakError("cannot write \(log.path)")
        }
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--config", configFile, "--port", String(port)]
        // A minimal environment: the caller's PROCESSOR_* variables must not override the soak configuration.
        process.environment = ["PATH": "/usr/bin:/bin", "LOG_LEVEL": "warning"].merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        self.process = process
        for _ in 0..<600 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                let announced = Int(line.split(separator: ":").last ?? "")
            {
                port = announced
                return "http://127.0.0.1:\(port)"
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        crash()
        throw SoakError("the gateway did not start; its output is in \(log.path)")
    }

    /// SIGKILL: no shutdown, no flushing: what a crash or an OOM kill does.
    func crash() {
        guard let process, process.isRunning else { return }
        _ = kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait: a clean stop.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
