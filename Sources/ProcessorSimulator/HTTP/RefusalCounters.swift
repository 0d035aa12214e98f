import Synchronization

/// How many `/v3` calls the simulator refused or spoilt, and why: what a soak run reports as "429s caused".
package struct RefusalCounts: Codable, Sendable, Equatable {
    /// 429s because a caller exceeded the workspace limits (the gateway's pacing failed).
    package var rateLimited = 0
    /// 429s injected by the `rate_limit_storm` fault.
    package var injectedRateLimited = 0
    /// 503s injected by the server-error faults.
    package var injectedServerErrors = 0
    /// Answers spoilt by the `hostile` fault, every kind (its 429s are in `injectedRateLimited` too).
    package var injectedHostile = 0

    package init() {}

    enum CodingKeys: String, CodingKey {
        case rateLimited = "rate_limited"
        case injectedRateLimited = "injected_rate_limited"
        case injectedServerErrors = "injected_server_errors"
        case injectedHostile = "injected_hostile"
    }
}

/// Thread-safe ``RefusalCounts``.
final class RefusalCounters: Sendable {
    private let counts = Mutex(RefusalCounts())

    var current: RefusalCounts { counts.withLock { $0 } }

    func count(_ field: WritableKeyPath<RefusalCounts, Int>) {
        counts.withLock { $0[keyPath: field] += 1 }
    }
}
