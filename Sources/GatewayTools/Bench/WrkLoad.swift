import Foundation

/// What one benchmark phase measured, over every instance.
struct PhaseResult: Sendable {
    var name: String
    var operations: Int
    /// Each instance's share of ``operations``, in the order of its URL.
    var operationsPerInstance: [Int]
    var errors: Int
    var seconds: Double
    /// Latency percentiles in milliseconds: P50, P90, P99; with several instances, the slowest instance's.
    var percentiles: [Double]

    var perSecond: Double { Double(operations) / seconds }

    /// The P99 latency in milliseconds.
    var p99: Double { percentiles[2] }
}

/// Closed-loop HTTP load from `wrk`: a C program in a process of its own, much lighter on the shared cores than a
/// Swift HTTP client in the gateway's process (which capped even the liveness probe near 5,000 requests a second).
/// One `wrk` per instance, all at once, each with a Lua script that builds its requests.
struct WrkLoad {
    var seconds: Double
    /// Connections in all; split evenly across the instances.
    var connections: Int
    /// Where the scripts are written.
    var directory: URL

    /// The line the scripts' `done` hook prints: requests, errors, duration (µs), then P50, P90, P99 (µs).
    private static let marker = "DSR-BENCH"
    private static let report = """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("\(marker) %d %d %d %d %d %d\\n", summary.requests,
            e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
            latency:percentile(50), latency:percentile(90), latency:percentile(99)))
        end
        """

    func connectionsPerInstance(_ instances: Int) -> Int { max(1, connections / instances) }

    /// Runs `scripts[i]` (the body of a Lua script: `wrk.headers`, a `request` function) against `urls[i]`.
    func run(_ name: String, urls: [String], scripts: [String]) async throws -> PhaseResult {
        let perInstance = connectionsPerInstance(urls.count)
        let reports = try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
            for (index, (url, script)) in zip(urls, scripts).enumerated() {
                let file = directory.appendingPathComponent("phase-\(index).lua")
                try (script + "\n" + Self.report).write(to: file, atomically: true, encoding: .utf8)
                let output = directory.appendingPathComponent("phase-\(index).out")
                group.addTask {
                    let numbers = try await Self.wrk(
                        [
                            "-t1", "-c\(perInstance)", "-d\(Int(seconds.rounded(.up)))s", "--timeout", "30s", "-s",
                            file.path, url,
                        ], output: output)
                    return (index, numbers)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return PhaseResult(
            name: name, operations: reports.map { $0[0] }.reduce(0, +), operationsPerInstance: reports.map { $0[0] },
            errors: reports.map { $0[1] }.reduce(0, +),
            seconds: Double(reports.map { $0[2] }.max() ?? 1) / 1_000_000,
            percentiles: (3...5).map { column in Double(reports.map { $0[column] }.max() ?? 0) / 1000 })
    }

    /// Runs `wrk` to the end and returns the numbers of its report line. Nothing here blocks a thread of the
    /// concurrency pool, which the gateways under load need.
    private static func wrk(_ arguments: [String], output: URL) async throws -> [Int] {
        guard
            let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
                .map({ "\($0)/wrk" }).first(where: FileManager.default.isExecutableFile(atPath:))
        else { throw SoakError("wrk is not installed; ./scripts/bench installs it (Debian's wrk package)") }
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
            throw SoakError("cannot write \(output.path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        let status = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let text = try String(contentsOf: output, encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix(marker) }
        guard status == 0, let numbers = line?.split(separator: " ").dropFirst().compactMap({ Int($0) }),
            numbers.count == 6
        else { throw SoakError("wrk \(arguments.joined(separator: " ")) failed: \(text)") }
        return numbers
    }
}

/// Every phase of one benchmark run.
struct BenchPhases: Sendable {
    var submissions: PhaseResult
    var reads: PhaseResult
    var callbacks: PhaseResult
    /// The HTTP stack alone: the liveness probe, no store.
    var liveness: PhaseResult
    /// The status reads' script against a bare Hummingbird route (``BareRoute``).
    var bareReads: PhaseResult

    /// In the order the table prints them.
    var all: [PhaseResult] { [submissions, reads, callbacks, liveness, bareReads] }

    /// Status reads per second as a share of the bare route's.
    var readRatio: Double { reads.perSecond / max(bareReads.perSecond, 1) }
}
