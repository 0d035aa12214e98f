import ArgumentParser
import Foundation
import Operations

/// `dsr-gateway bench`: throughput and latency of the gateway's hot paths on loopback, and the pacer's accuracy.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure durable submissions, status reads and verified callbacks per second, and pacing accuracy.",
        discussion: "Build with -c release for meaningful numbers (./scripts/bench does). Loopback only.")

    @Option(help: "Seconds per phase.")
    var seconds = 10.0

    @Option(help: "Connections of the load generator (wrk), split across the instances.")
    var concurrency = 32

    @Option(help: "The workspace limit (calls per minute) for the pacing check.")
    var pacingLimit = 600

    @Option(help: "Seconds the pacing check runs (over a minute shows the window rolling).")
    var pacingSeconds = 65.0

    @OptionGroup var fleet: FleetOptions

    func validate() throws {
        guard seconds > 0, concurrency > 0, pacingLimit > 0, pacingSeconds > 0 else {
            throw ValidationError("--seconds, --concurrency, --pacing-limit and --pacing-seconds must be positive.")
        }
    }

    func run() async throws {
        let (phases, alerts, pacing) = try await BenchRun(
            seconds: seconds, concurrency: concurrency, pacingLimit: pacingLimit, pacingSeconds: pacingSeconds,
            instances: fleet.instances, postgresServer: fleet.postgresServer
        ).run()
        let info = ProcessInfo.processInfo
        announce(
            "\nmachine: \(info.activeProcessorCount) cores, \(info.physicalMemory >> 30) GiB, "
                + "\(info.operatingSystemVersionString); load from wrk (its own process, same cores), \(concurrency) connections; "
                + fleet.summary
        )
        announce("| path | ops/s | P50 ms | P90 ms | P99 ms | errors |")
        announce("|---|---:|---:|---:|---:|---:|")
        for phase in phases.all {
            announce(
                "| \(phase.name) | \(Int(phase.perSecond)) | "
                    + phase.percentiles.map { String(format: "%.2f", $0) }.joined(separator: " | ")
                    + " | \(phase.errors) |")
        }
        announce(String(format: "\nstatus reads: %.2f× the bare Hummingbird route", phases.readRatio))
        announce("\n| target | wanted | measured | met |")
        announce("|---|---|---|---|")
        for target in phases.targets(postgres: fleet.postgresServer != nil) {
            announce("| \(target.path) | \(target.wanted) | \(target.measured) | \(target.met ? "yes" : "NO") |")
        }
        announce(
            "\nalert evaluation: \(alerts.rules) rules over a \(alerts.lines)-line scrape: "
                + String(format: "%.2f ms a round", alerts.seconds / Double(alerts.rounds) * 1000)
                + " (parse, record, evaluate); \(alerts.rounds) rounds (a day at 30 s) in "
                + String(format: "%.1f s", alerts.seconds))
        let share = Double(pacing.busiestMinute) / Double(pacing.limit) * 100
        announce(
            "\npacing: limit \(pacing.limit)/min, \(fleet.instances) pacer\(fleet.instances == 1 ? "" : "s") on one budget, "
                + "\(Int(pacing.seconds)) s of 8 callers with endless work: "
                + "\(pacing.calls) calls, busiest rolling minute \(pacing.busiestMinute) "
                + "(\(String(format: "%.1f", share)) % of the limit), 429s caused \(pacing.rateLimited)")
    }
}
