import DSRCore
import Foundation

/// The answer of `GET /health`: overall status, when, and each check.
///
/// `healthy` (200): every check passes. `unhealthy` (503): the gateway cannot accept and keep work — an
/// ``essential`` check failed (the store cannot commit, the trust roots or results directory are gone, the database's
/// disk is full): a load balancer should send the work elsewhere. `degraded` (200): it accepts and keeps work but
/// something needs watching — the processor unreachable or failing, the circuit open, a 429 pause, the processor near
/// its limit, a certificate invalid or near expiry, the queue not moving: work waits in the queue, which is what
/// degraded mode is for.
package struct HealthReport: Codable, Sendable {
    package var status: String
    package var timestamp: String
    package var checks: [String: HealthCheck]

    package init(checks: [String: HealthCheck], at now: Date) {
        self.checks = checks
        timestamp = Timestamp.format(now)
        let failed = checks.filter { $0.value.status == .fail }.map(\.key)
        status =
            failed.contains(where: Self.essential.contains)
            ? "unhealthy" : checks.values.contains { $0.status != .pass } ? "degraded" : "healthy"
    }

    /// The checks without which the gateway cannot accept and keep work.
    package static let essential: Set<String> = ["store", "configuration"]

    package var isHealthy: Bool { status != "unhealthy" }
}

/// One check's result; fields that do not apply are left out.
package struct HealthCheck: Codable, Sendable, Equatable {
    package enum Status: String, Codable, Sendable {
        case pass, warn, fail
    }

    package var status: Status
    /// What a person needs to know, never subject data.
    package var detail: String
    package var latencyMs: Int?
    package var circuit: String?
    package var usagePercent: Int?
    package var pauseSeconds: Int?
    package var daysLeft: Int?
    package var queueDepth: Int?
    package var oldestQueuedSeconds: Int?

    package init(_ status: Status, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case status, detail, circuit
        case latencyMs = "latency_ms"
        case usagePercent = "usage_percent"
        case pauseSeconds = "pause_seconds"
        case daysLeft = "days_left"
        case queueDepth = "queue_depth"
        case oldestQueuedSeconds = "oldest_queued_seconds"
    }
}

extension HealthReport {
    /// The report for a person: the overall status, then one row per check with its numbers.
    package var table: String {
        let rows = checks.keys.sorted().map { name -> [String] in
            let check = checks[name]!
            var numbers: [String] = []
            if let value = check.latencyMs { numbers.append("\(value) ms") }
            if let value = check.circuit { numbers.append("circuit \(value)") }
            if let value = check.usagePercent { numbers.append("\(value) % of rate limit") }
            if let value = check.pauseSeconds { numbers.append("paused \(value) s") }
            if let value = check.daysLeft { numbers.append("\(value) days left") }
            if let value = check.queueDepth { numbers.append("\(value) queued") }
            if let value = check.oldestQueuedSeconds, check.queueDepth ?? 0 > 0 { numbers.append("oldest \(value) s") }
            return [name, check.status.rawValue.uppercased(), numbers.joined(separator: ", "), check.detail]
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + "  " + row[3]
        }
        return (["\(status.uppercased()) at \(timestamp)"] + lines).joined(separator: "\n")
    }
}
