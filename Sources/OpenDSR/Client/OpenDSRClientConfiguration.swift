import Foundation

/// How to reach the OpenDSR processor (mParticle DSR API v3).
package struct OpenDSRClientConfiguration: Sendable {
    /// Base URL including the version, e.g. `https://opendsr.mparticle.com/v3`.
    package var baseURL: String
    /// Workspace API key for HTTP Basic auth.
    package var workspaceKey: String
    /// Workspace API secret for HTTP Basic auth.
    package var workspaceSecret: String
    /// Per-call timeout in seconds.
    package var timeout: TimeInterval
    /// Largest JSON response body accepted, in bytes (default 1 MiB).
    package var maxResponseBytes: Int
    /// Calls allowed in any rolling minute (mParticle's workspace limit, shared by GET, POST and DELETE).
    package var requestsPerMinute: Int
    /// New requests allowed per UTC day.
    package var submissionsPerDay: Int
    /// Consecutive failures (5xx, timeouts) that open the circuit.
    package var circuitFailureThreshold: Int
    /// Seconds the circuit stays open before one probe.
    package var circuitOpenSeconds: TimeInterval

    package init(
        baseURL: String = "https://opendsr.mparticle.com/v3", workspaceKey: String, workspaceSecret: String,
        timeout: TimeInterval = 10, maxResponseBytes: Int = 1 << 20, requestsPerMinute: Int = 1000,
        submissionsPerDay: Int = 80_000, circuitFailureThreshold: Int = 5, circuitOpenSeconds: TimeInterval = 30
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.workspaceKey = workspaceKey
        self.workspaceSecret = workspaceSecret
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.requestsPerMinute = requestsPerMinute
        self.submissionsPerDay = submissionsPerDay
        self.circuitFailureThreshold = circuitFailureThreshold
        self.circuitOpenSeconds = circuitOpenSeconds
    }

    /// The `Authorization` header value.
    var basicAuthorization: String {
        OpenDSR.basicAuthorization(key: workspaceKey, secret: workspaceSecret)
    }
}

extension OpenDSRClientConfiguration {
    /// The workspace limits the pacer keeps for the whole fleet.
    package var limits: WorkspaceLimits {
        WorkspaceLimits(requestsPerMinute: requestsPerMinute, submissionsPerDay: submissionsPerDay)
    }
}
