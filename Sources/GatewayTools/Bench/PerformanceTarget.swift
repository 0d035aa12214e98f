import Foundation

/// A figure the project set itself (docs/performance.md) and what one run measured against it.
struct PerformanceTarget: Sendable {
    var path: String
    var wanted: String
    var measured: String
    var met: Bool
}

extension BenchPhases {
    /// SQLite: the single gateway's targets; PostgreSQL: the fleet's (whatever the number of instances).
    func targets(postgres: Bool) -> [PerformanceTarget] {
        func rate(_ phase: PhaseResult, _ minimum: Double, p99 limit: Double?) -> PerformanceTarget {
            PerformanceTarget(
                path: phase.name,
                wanted: "≥ \(Int(minimum))/s" + (limit.map { ", P99 < \(Int($0)) ms" } ?? ""),
                measured: "\(Int(phase.perSecond))/s, P99 \(String(format: "%.1f", phase.p99)) ms",
                met: phase.perSecond >= minimum && limit.map { phase.p99 < $0 } ?? true)
        }
        if postgres {
            return [
                rate(submissions, 2000, p99: nil), rate(reads, 5000, p99: nil), rate(callbacks, 2000, p99: nil),
            ]
        }
        return [
            rate(submissions, 6000, p99: 20),
            PerformanceTarget(
                path: reads.name, wanted: "≥ 0.40× the bare route, P99 < 5 ms",
                measured: String(
                    format: "%.2f× (%d/s against %d/s), P99 %.1f ms", readRatio, Int(reads.perSecond),
                    Int(bareReads.perSecond), reads.p99),
                met: readRatio >= 0.4 && reads.p99 < 5),
            rate(callbacks, 6000, p99: 10),
        ]
    }
}
