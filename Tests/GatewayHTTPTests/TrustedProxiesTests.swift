import GatewayHTTP
import NIOCore
import Testing

/// Which address `X-Forwarded-For` yields, and which configurations are refused.
@Suite struct TrustedProxiesTests {
    static let balancer = try! SocketAddress(ipAddress: "10.1.2.3", port: 40_000)

    @Test func aTrustedPeerNamesTheFirstUntrustedHopFromTheRight() throws {
        let proxies = try #require(TrustedProxies(["10.0.0.0/8", "2001:db8::/32"]))
        #expect(proxies.client(peer: Self.balancer, forwardedFor: ["198.51.100.4, 203.0.113.9"]) == "203.0.113.9")
        // A client's own (forged) entries stand left of what our proxies appended.
        #expect(
            proxies.client(peer: Self.balancer, forwardedFor: ["6.6.6.6", "203.0.113.9, 10.9.9.9"]) == "203.0.113.9")
        #expect(
            proxies.client(peer: Self.balancer, forwardedFor: ["2001:db8::1, 2001:4860::8888"]) == "2001:4860::8888")
        // Every hop a proxy: the leftmost is as far as the chain goes.
        #expect(proxies.client(peer: Self.balancer, forwardedFor: ["10.0.0.7, 10.0.0.8"]) == "10.0.0.7")
        // Not an address: the proxy that passed it on is all that is known.
        #expect(proxies.client(peer: Self.balancer, forwardedFor: ["203.0.113.9, unknown"]) == "10.1.2.3")
        #expect(proxies.client(peer: Self.balancer, forwardedFor: []) == "10.1.2.3")
        // A dual-stack listener sees an IPv4 balancer as an IPv4-mapped IPv6 peer: still trusted.
        let mapped = try SocketAddress(ipAddress: "::ffff:10.1.2.3", port: 40_000)
        #expect(proxies.client(peer: mapped, forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
    }

    @Test func anUntrustedPeersHeaderIsIgnored() throws {
        let proxies = try #require(TrustedProxies(["10.0.0.0/8"]))
        let stranger = try SocketAddress(ipAddress: "192.0.2.50", port: 1)
        #expect(proxies.client(peer: stranger, forwardedFor: ["203.0.113.9"]) == "192.0.2.50")
        #expect(TrustedProxies().client(peer: Self.balancer, forwardedFor: ["203.0.113.9"]) == "10.1.2.3")
    }

    @Test func blocksMatchByPrefix() throws {
        let proxies = try #require(TrustedProxies(["192.0.2.128/25", "192.0.2.7"]))
        #expect(
            proxies.client(peer: try SocketAddress(ipAddress: "192.0.2.200", port: 1), forwardedFor: ["1.1.1.1"])
                == "1.1.1.1")
        #expect(
            proxies.client(peer: try SocketAddress(ipAddress: "192.0.2.127", port: 1), forwardedFor: ["1.1.1.1"])
                == "192.0.2.127")
        #expect(
            proxies.client(peer: try SocketAddress(ipAddress: "192.0.2.7", port: 1), forwardedFor: ["1.1.1.1"])
                == "1.1.1.1")
        #expect(
            proxies.client(peer: try SocketAddress(ipAddress: "192.0.2.8", port: 1), forwardedFor: ["1.1.1.1"])
                == "192.0.2.8")
    }

    @Test(arguments: ["10.0.0.0/33", "example.com", "10.0.0.0/", "::1/129", "10.0.0.0/-1"])
    func aBadEntryIsRefused(entry: String) {
        #expect(TrustedProxies([entry]) == nil)
    }
}
