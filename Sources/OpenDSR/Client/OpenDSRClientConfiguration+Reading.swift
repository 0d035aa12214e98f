import Foundation
import Settings

extension OpenDSRClientConfiguration {
    /// Reads `processor.*`; nil when the workspace credentials are missing (each missing one is a problem).
    package static func read(_ section: ConfigurationSection) -> OpenDSRClientConfiguration? {
        let defaults = OpenDSRClientConfiguration(workspaceKey: "", workspaceSecret: "")
        let baseURL = section.string("base_url", default: defaults.baseURL, "the OpenDSR processor")
        section.requireSecureURL("base_url", baseURL)
        let key = section.optionalString(
            "workspace_key", secret: true, shown: "— (required, secret)", "workspace API key (HTTP Basic)")
        let secret = section.optionalString(
            "workspace_secret", secret: true, shown: "— (required, secret)", "workspace API secret (HTTP Basic)")
        let timeout = section.double(
            "timeout_seconds", default: defaults.timeout, in: 0.1...300,
            "per-call timeout, the whole answer included")
        let perMinute = section.int(
            "requests_per_minute", default: defaults.requestsPerMinute, in: .positive,
            "calls allowed in any rolling minute (mParticle's workspace limit, shared by every call)")
        let perDay = section.int(
            "submissions_per_day", default: defaults.submissionsPerDay, in: .positive,
            "new requests allowed per UTC day")
        let threshold = section.int(
            "circuit_failure_threshold", default: defaults.circuitFailureThreshold, in: .positive,
            "consecutive failures (5xx, timeouts) that open the circuit breaker")
        let openSeconds = section.double(
            "circuit_open_seconds", default: defaults.circuitOpenSeconds, in: 1...3600,
            "how long an open circuit holds calls before one probe")
        for (name, value) in [("workspace_key", key), ("workspace_secret", secret)] where value == nil {
            section.problem(
                name, "(\(section.name(name).uppercased().replacingOccurrences(of: ".", with: "_"))) is required")
        }
        guard let key, let secret else { return nil }
        return OpenDSRClientConfiguration(
            baseURL: baseURL, workspaceKey: key, workspaceSecret: secret, timeout: timeout,
            requestsPerMinute: perMinute, submissionsPerDay: perDay, circuitFailureThreshold: threshold,
            circuitOpenSeconds: openSeconds)
    }
}
