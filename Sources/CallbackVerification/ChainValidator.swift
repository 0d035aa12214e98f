import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509
import _CryptoExtras

/// Validates a processor's PEM chain: a CA-issued path to a configured trust root, issued to the expected domain,
/// inside its validity window at a given time, with an RSA key of at least 2048 bits.
///
/// A self-signed (self-issued: issuer == subject) leaf is always refused before the `Verifier` runs, because the
/// `Verifier` accepts a leaf found in the trust roots as a one-certificate chain if it is marked CA, as
/// `openssl req -x509` certificates are.
package struct ChainValidator: Sendable {
    private static let minimumRSAKeyBits = 2048
    private let trustRoots: [Certificate]

    package init(trustRoots: [Certificate]) {
        self.trustRoots = trustRoots
    }

    /// Validates `chainPEM` (leaf first, then intermediates, optionally the root) for `domain` at `time`.
    package func validate(
        chainPEM: String,
        domain: String,
        at time: Date
    ) async throws(CallbackVerificationError) -> ValidatedCertificate {
        let certificates = try PEMCertificates.parse(chainPEM)
        let leaf = certificates[0]
        guard leaf.issuer != leaf.subject else {
            throw CallbackVerificationError(.untrustedChain, "leaf '\(leaf.subject)' is self-signed")
        }
        let publicKey = try Self.rsaKey(of: leaf)
        let intermediates = CertificateStore(certificates.dropFirst())
        var verifier = Verifier(rootCertificates: CertificateStore(trustRoots)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            ServerIdentityPolicy(serverHostname: domain, serverIP: nil)
        }
        switch await verifier.validate(leaf: leaf, intermediates: intermediates) {
        case .validCertificate(let validated):
            return try Self.validated(chain: Array(validated), domain: domain, publicKey: publicKey, at: time)
        case .couldNotValidate:
            throw await diagnose(certificates, domain: domain, at: time)
        }
    }

    /// Explains a refusal: the `Verifier` only reports free-text policy failures, so re-check each concern alone.
    private func diagnose(_ chain: [Certificate], domain: String, at time: Date) async -> CallbackVerificationError {
        let leaf = chain[0]
        for (index, certificate) in chain.enumerated() {
            let role = index == 0 ? "leaf" : "chain certificate"
            if time < certificate.notValidBefore {
                return CallbackVerificationError(
                    .notYetValid,
                    "\(role) '\(certificate.subject)' is valid from \(certificate.notValidBefore.formatted(.iso8601))"
                )
            }
            if time > certificate.notValidAfter {
                return CallbackVerificationError(
                    .expired,
                    "\(role) '\(certificate.subject)' expired at \(certificate.notValidAfter.formatted(.iso8601))"
                )
            }
        }
        var trustOnly = Verifier(rootCertificates: CertificateStore(trustRoots)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
        }
        let trusted = await trustOnly.validate(leaf: leaf, intermediates: CertificateStore(chain.dropFirst()))
        if case .validCertificate = trusted {
            return CallbackVerificationError(
                .nameMismatch,
                "leaf is issued to \(Self.identities(of: leaf)), not to '\(domain)'"
            )
        }
        return CallbackVerificationError(
            .untrustedChain,
            "no valid path from leaf '\(leaf.subject)' (issuer '\(leaf.issuer)') to a configured trust root"
        )
    }

    private static func rsaKey(of leaf: Certificate) throws(CallbackVerificationError) -> _RSA.Signing.PublicKey {
        guard let key = _RSA.Signing.PublicKey(leaf.publicKey) else {
            throw CallbackVerificationError(.invalidCertificate, "leaf key is not RSA; the processor signs with RSA")
        }
        guard key.keySizeInBits >= minimumRSAKeyBits else {
            throw CallbackVerificationError(.invalidCertificate, "leaf RSA key has only \(key.keySizeInBits) bits")
        }
        return key
    }

    private static func validated(
        chain: [Certificate],
        domain: String,
        publicKey: _RSA.Signing.PublicKey,
        at time: Date
    ) throws(CallbackVerificationError) -> ValidatedCertificate {
        let fingerprint: String
        let chainPEM: String
        do {
            fingerprint = try CertificateFingerprint.sha256(of: chain[0])
            chainPEM = try chain.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n")
        } catch {
            throw CallbackVerificationError(.invalidCertificate, "chain cannot be re-encoded: \(error)")
        }
        return ValidatedCertificate(
            domain: domain.lowercased(),
            leaf: chain[0],
            chain: chain,
            chainPEM: chainPEM,
            expiresAt: chain.map(\.notValidAfter).min() ?? chain[0].notValidAfter,
            validatedAt: time,
            leafFingerprint: fingerprint,
            publicKey: publicKey
        )
    }

    /// The names a certificate is issued to, for the mismatch message: SAN DNS names, else the CN.
    private static func identities(of leaf: Certificate) -> String {
        let sanNames = CertificateNames.dnsNames(of: leaf)
        if !sanNames.isEmpty {
            return "SAN " + sanNames.map { "'\($0)'" }.joined(separator: ", ")
        }
        return "subject '\(leaf.subject)' (no SAN)"
    }
}
