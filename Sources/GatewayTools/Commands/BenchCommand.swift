import ArgumentParser
import Foundation
import Operations
import Persistence

/// `dsr-gateway bench`: throughput and latency of the gateway's hot paths on loopback, and the pacer's accuracy.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure durable submissions, status reads and verified callbacks per second, and pacing accuracy.",
        discussion: "Build with -c release for meaningful numbers (./scripts/bench does). Loopback only.")

    @Option(help: "Seconds per phase.")
    var seconds = 10.0

    @Option(help: "Concurrent connections of the load generator.")
    var concurrency = 32

    @Option(help: "The workspace limit (calls per minute) for the pacing check.")
    var pacingLimit = 600

    @Option(help: "Seconds the pacing check runs (over a minute shows the window rolling).")
    var pacingSeconds = 65.0

    @Option(help: "Gateways in this process sharing the store (more than one needs --store postgres).")
    var instances = 1

    @Option(help: "Where the gateways keep their data: sqlite (a file of the run's own) or postgres.")
    var store = "sqlite"

    @Option(help: "With --store postgres: a server on which the run creates its own databases (dropped afterwards).")
    var postgresURL: String?

    func validate() throws {
        guard seconds > 0, concurrency > 0, pacingLimit > 0, pacingSeconds > 0, instances > 0 else {
            throw ValidationError(
                "--seconds, --concurrency, --pacing-limit, --pacing-seconds and --instances must be positive.")
        }
        guard ["sqlite", "postgres"].contains(store) else { throw ValidationError("--store is sqlite or postgres.") }
        guard instances == 1 || store == "postgres" else {
            throw ValidationError("several instances share PostgreSQL: add --store postgres.")
        }
        guard store == "sqlite" || postgresURL.flatMap(PostgresURL.init) != nil else {
            throw ValidationError("--store postgres needs --postgres-url postgres://user@host:port/database.")
        }
    }

    func run() async throws {
        let (phases, alerts, pacing) = try await BenchRun(
            seconds: seconds, concurrency: concurrency, pacingLimit: pacingLimit, pacingSeconds: pacingSeconds,
            instances: instances, postgresServer: store == "postgres" ? postgresURL.flatMap(PostgresURL.init) : nil
        ).run()
        let info = ProcessInfo.processInfo
        announce(
            "\nmachine: \(info.activeProcessorCount) cores, \(info.physicalMemory >> 30) GiB, "
                + "\(info.operatingSystemVersionString); load generator in the same process, \(concurrency) connections; "
                + "\(instances) gateway instance\(instances == 1 ? "" : "s") on \(store == "postgres" ? "PostgreSQL" : "SQLite")"
        )
        announce("| path | ops/s | P50 ms | P90 ms | P99 ms | errors |")
        announce("|---|---:|---:|---:|---:|---:|")
        for phase in phases {
            announce(
                "| \(phase.name) | \(Int(phase.perSecond)) | "
                    + [0.5, 0.9, 0.99].map { String(format: "%.2f", phase.percentile($0)) }.joined(separator: " | ")
                    + " | \(phase.errors) |")
        }
        announce(
            "\nalert evaluation: \(alerts.rules) rules over a \(alerts.lines)-line scrape: "
                + String(format: "%.2f ms a round", alerts.seconds / Double(alerts.rounds) * 1000)
                + " (parse, record, evaluate); \(alerts.rounds) rounds (a day at 30 s) in "
                + String(format: "%.1f s", alerts.seconds))
        let share = Double(pacing.busiestMinute) / Double(pacing.limit) * 100
        announce(
            "\npacing: limit \(pacing.limit)/min, \(instances) pacer\(instances == 1 ? "" : "s") on one budget, "
                + "\(Int(pacing.seconds)) s of 8 callers with endless work: "
                + "\(pacing.calls) calls, busiest rolling minute \(pacing.busiestMinute) "
                + "(\(String(format: "%.1f", share)) % of the limit), 429s caused \(pacing.rateLimited)")
    }
}
