import Foundation
import Synchronization

/// The processor's certificate chain and signing key; rotation swaps in a new leaf under the same root.
final class ProcessorIdentity: Sendable {
    private let issuer: CertificateIssuer
    private let domain: String
    private let validity: TimeInterval
    private let chainState: Mutex<GeneratedChain>

    /// Makes a root, an intermediate and a leaf for `domain`, valid from a day before `now` for `validity`.
    init(domain: String, now: Date, validity: TimeInterval) throws {
        // Issuer lifetime comfortably covers every leaf a rotation may mint later.
        issuer = try CertificateIssuer.make(
            notBefore: now.addingTimeInterval(-30 * 86_400),
            notAfter: now.addingTimeInterval(validity + 5 * 365 * 86_400)
        )
        self.domain = domain
        self.validity = validity
        chainState = Mutex(try Self.makeChain(domain: domain, issuer: issuer, now: now, validity: validity))
    }

    /// The chain currently served and used for signing.
    var chain: GeneratedChain { chainState.withLock { $0 } }

    /// Replaces the leaf (new key, same root) and returns the new chain.
    func rotate(now: Date) throws -> GeneratedChain {
        let next = try Self.makeChain(domain: domain, issuer: issuer, now: now, validity: validity)
        chainState.withLock { $0 = next }
        return next
    }

    /// Base64 RSA PKCS#1 v1.5 SHA-256 signature of `body` with the current leaf key.
    func signature(for body: [UInt8]) throws -> String {
        try chain.signer.signature(for: body)
    }

    private static func makeChain(
        domain: String, issuer: CertificateIssuer, now: Date, validity: TimeInterval
    ) throws -> GeneratedChain {
        try CertificateAuthority.makeChain(
            domain: domain,
            notBefore: now.addingTimeInterval(-86_400),
            notAfter: now.addingTimeInterval(validity),
            issuer: issuer
        )
    }
}
