import GatewayHTTP
import Settings

extension InboundLimits {
    /// Reads the `http.*` limits.
    static func read(_ section: ConfigurationSection) -> InboundLimits {
        var limits = InboundLimits()
        limits.requestsPerSecondPerKey = section.double(
            "rate_limit_per_key", default: limits.requestsPerSecondPerKey, in: 0.1...1_000_000,
            "requests a second per API key (twice this in a burst); past it 429 with `Retry-After`")
        limits.callbacksPerSecondPerAddress = section.double(
            "callback_rate_per_address", default: limits.callbacksPerSecondPerAddress, in: 0.1...1_000_000,
            "callbacks a second per client address on the public callback route (twice this in a burst)")
        limits.maxConnections = section.int(
            "max_connections", default: limits.maxConnections, in: 16...1_000_000,
            shown: "the open-file limit − 256, at most 4096",
            "open connections at most (further ones wait in the listen backlog)")
        limits.idleTimeout = section.double(
            "idle_timeout_seconds", default: limits.idleTimeout, in: 1...3600,
            "a connection with no request in progress and nothing read for this long is closed")
        limits.maxHeaderBytes = section.int(
            "max_header_bytes", default: limits.maxHeaderBytes, in: 1024...1_048_576,
            "request headers larger than this in all are refused (431, connection closed)")
        let proxies = section.strings(
            "trusted_proxies", default: [],
            "addresses or CIDR blocks of the load balancers in front; their `X-Forwarded-For` names the client")
        if let trusted = TrustedProxies(proxies) {
            limits.trustedProxies = trusted
        } else {
            section.problem("trusted_proxies", "must be IP addresses or CIDR blocks (10.0.0.0/8, 2001:db8::/32)")
        }
        return limits
    }
}
