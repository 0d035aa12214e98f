import Synchronization

/// A token bucket per key (an API key's name, a client address): `perSecond` tokens a second, holding at most
/// `burst`. At most `maxKeys` buckets are kept; past that the fullest ones (the idle) are forgotten first, so a flood
/// from many addresses cannot grow the table without bound.
package final class TokenBuckets: Sendable {
    private struct Bucket {
        var tokens: Double
        var at: ContinuousClock.Instant
    }

    let perSecond: Double
    let burst: Double
    private let maxKeys: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `burst` is at least one request, whatever the rate.
    package init(perSecond: Double, burst: Double, maxKeys: Int = 10_000) {
        self.perSecond = perSecond
        self.burst = max(1, burst)
        self.maxKeys = maxKeys
    }

    /// Takes a token for `key`: nil when there was one, else the seconds until there is.
    package func take(_ key: String, at now: ContinuousClock.Instant = .now) -> Double? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, at: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) / .seconds(1) * perSecond)
            bucket.at = now
            defer {
                if buckets.count >= maxKeys && buckets[key] == nil {
                    let idle = buckets.sorted { $0.value.at < $1.value.at }.prefix(maxKeys / 10).map(\.key)
                    for key in idle { buckets[key] = nil }
                }
                buckets[key] = bucket
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / perSecond }
            bucket.tokens -= 1
            return nil
        }
    }
}
