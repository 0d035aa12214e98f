import Foundation
import X509
import _CryptoExtras

/// A processor certificate whose chain, name and dates were checked: the key callbacks are verified against.
package struct ValidatedCertificate: Sendable, Equatable {
    /// The processor domain (lowercased) the leaf was validated for.
    package let domain: String
    package let leaf: Certificate
    /// The validated path, leaf first, ending at a configured trust root.
    package let chain: [Certificate]
    /// `chain` as PEM, leaf first, encoded once when validated: what a callback's evidence keeps.
    package let chainPEM: String
    /// The earliest `notAfter` in `chain`: after it the certificate must be fetched and validated again.
    package let expiresAt: Date
    package let validatedAt: Date
    package let leafFingerprint: String
    /// The leaf's RSA key, extracted once so a callback costs only a signature check.
    let publicKey: _RSA.Signing.PublicKey

    /// Whether `signature` is mParticle's RSASSA-PKCS1-v1_5 SHA-256 signature of exactly `body`.
    func isValidSignature(_ signature: [UInt8], for body: [UInt8]) -> Bool {
        // _RSA defaults to PSS; the processor signs with PKCS#1 v1.5.
        publicKey.isValidSignature(.init(rawRepresentation: signature), for: body, padding: .insecurePKCS1v1_5)
    }

    package static func == (lhs: ValidatedCertificate, rhs: ValidatedCertificate) -> Bool {
        lhs.domain == rhs.domain && lhs.chain == rhs.chain
    }
}

extension ValidatedCertificate {
    /// Whole days until expiry at `now` (rounded down; negative once expired).
    package func daysRemaining(at now: Date) -> Int {
        Self.wholeDays(expiresAt.timeIntervalSince(now))
    }

    /// Whole days in `seconds`, rounded down: how every report of a certificate's days left counts them.
    package static func wholeDays(_ seconds: TimeInterval) -> Int {
        Int((seconds / 86_400).rounded(.down))
    }
}
