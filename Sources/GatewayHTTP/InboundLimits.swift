import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the gateway accepts from the network before any handler runs: connections, headers, idle time, and the rate
/// per API key and per callback sender. Defaults keep a flood of clients (or of idle connections) from taking the
/// service, or the file descriptors its database and outbound calls need, away from everyone else.
package struct InboundLimits: Sendable, Equatable {
    /// Requests a second per API key (twice this in a burst); past it, 429 with `Retry-After`.
    package var requestsPerSecondPerKey: Double = 100
    /// Callbacks a second per client address (twice this in a burst): well above what the processor sends, even when a
    /// backlog completes at once (and a callback refused with 429 is caught up by the reconciliation poller).
    package var callbacksPerSecondPerAddress: Double = 200
    /// Open connections at most; further ones wait in the listen backlog until one closes.
    package var maxConnections = InboundLimits.defaultMaxConnections
    /// A connection with no request in progress and nothing read for this long is closed.
    package var idleTimeout: TimeInterval = 30
    /// Request headers larger than this, in all, are refused (the connection is closed with a 431).
    package var maxHeaderBytes = 16 * 1024
    /// Proxies whose `X-Forwarded-For` names the client (none by default).
    package var trustedProxies = TrustedProxies()

    package init() {}

    /// The open-file limit less 256 descriptors kept for the database, outbound calls and logs; at most 4,096.
    package static var defaultMaxConnections: Int {
        #if canImport(Glibc)
            var limit = rlimit()
            if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
                return max(16, Int(clamping: min(limit.rlim_cur, 4096 + 256)) - 256)
            }
        #endif
        return 4096
    }
}
