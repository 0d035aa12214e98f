import Foundation
import NIOCore

/// The load balancers and proxies in front of the gateway (`http.trusted_proxies`: addresses or CIDR blocks, IPv4 or
/// IPv6). A request's client address is its connection's peer, unless that peer is one of these: then
/// `X-Forwarded-For` is read from the right, each trusted hop skipped, and the first address that is not a trusted
/// proxy is the client. Anyone else's `X-Forwarded-For` is ignored, so a client cannot choose the address it is logged
/// and rate-limited under.
package struct TrustedProxies: Sendable, Equatable {
    /// An address block: the first `bits` bits of `address` (4 bytes for IPv4, 16 for IPv6).
    struct Block: Sendable, Equatable {
        var address: [UInt8]
        var bits: Int

        func contains(_ other: [UInt8]) -> Bool {
            guard other.count == address.count else { return false }
            for bit in 0..<bits where (address[bit / 8] ^ other[bit / 8]) & (0x80 >> UInt8(bit % 8)) != 0 {
                return false
            }
            return true
        }
    }

    let blocks: [Block]

    /// None trusted: every client address is the connection's peer.
    package init() { blocks = [] }

    /// Parses `entries` (`10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`); nil if one is not an address or block.
    package init?(_ entries: [String]) {
        var blocks: [Block] = []
        for entry in entries {
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let address = Self.bytes(parts[0]) else { return nil }
            let bits = parts.count == 2 ? Int(parts[1]) : address.count * 8
            guard let bits, (0...address.count * 8).contains(bits) else { return nil }
            blocks.append(Block(address: address, bits: bits))
        }
        self.blocks = blocks
    }

    /// The client's address for a request from `peer` carrying `forwardedFor` (its `X-Forwarded-For` values).
    package func client(peer: SocketAddress?, forwardedFor: [String]) -> String {
        guard let peer = peer?.ipAddress else { return "unknown" }
        guard let peerBytes = Self.bytes(peer), isTrusted(peerBytes), !forwardedFor.isEmpty else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            // A hop that is not an address was not written by a proxy we trust: the last trusted one is all we know.
            guard let bytes = Self.bytes(hop) else { return client }
            client = hop
            if !isTrusted(bytes) { return hop }
        }
        return client
    }

    private func isTrusted(_ address: [UInt8]) -> Bool {
        blocks.contains { $0.contains(address) }
    }

    /// The bytes of an IPv4 or IPv6 address in text form; nil for anything else. An IPv4-mapped IPv6 address
    /// (`::ffff:10.1.2.3`, what a dual-stack listener sees for an IPv4 peer) is its IPv4 address.
    static func bytes(_ text: String) -> [UInt8]? {
        switch try? SocketAddress(ipAddress: text, port: 0) {
        case .v4(let address): return withUnsafeBytes(of: address.address.sin_addr) { Array($0) }
        case .v6(let address):
            let bytes = withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
            let mapped = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
            return mapped ? Array(bytes.suffix(4)) : bytes
        default: return nil
        }
    }
}
