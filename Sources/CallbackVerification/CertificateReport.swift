import Crypto
import Foundation
import X509
import _CryptoExtras

/// What `cert inspect PEM` prints: one entry per certificate of a PEM bundle, with its expiry at a given time.
package struct CertificateReport: Sendable {
    /// One certificate's facts, as an operator compares them with `openssl x509 -text`.
    package struct Entry: Sendable, Equatable {
        package let subject: String
        package let dnsNames: [String]
        package let issuer: String
        package let notBefore: Date
        package let notAfter: Date
        /// Whole days from the report time to `notAfter`, rounded down; negative once expired.
        package let daysToExpiry: Int
        package let sha256Fingerprint: String
        package let keyDescription: String
    }

    package let entries: [Entry]
    package let at: Date

    /// Reads every certificate of `pem` and computes expiry relative to `at`.
    package init(pem: String, at: Date) throws(CallbackVerificationError) {
        var entries: [Entry] = []
        for certificate in try PEMCertificates.parse(pem) {
            let fingerprint: String
            do {
                fingerprint = try CertificateFingerprint.sha256(of: certificate)
            } catch {
                throw CallbackVerificationError(.invalidCertificate, "certificate cannot be re-encoded: \(error)")
            }
            entries.append(
                Entry(
                    subject: String(describing: certificate.subject),
                    dnsNames: CertificateNames.dnsNames(of: certificate),
                    issuer: String(describing: certificate.issuer),
                    notBefore: certificate.notValidBefore,
                    notAfter: certificate.notValidAfter,
                    daysToExpiry: Int((certificate.notValidAfter.timeIntervalSince(at) / 86_400).rounded(.down)),
                    sha256Fingerprint: fingerprint,
                    keyDescription: Self.describeKey(certificate.publicKey)
                )
            )
        }
        self.entries = entries
        self.at = at
    }

    /// Readable text: a block of aligned `label: value` lines per certificate, numbered in bundle order.
    package func render() -> String {
        var lines: [String] = []
        for (index, entry) in entries.enumerated() {
            if index > 0 { lines.append("") }
            lines.append("Certificate \(index + 1) of \(entries.count)")
            let expiry =
                entry.daysToExpiry >= 0
                ? "\(entry.daysToExpiry) days left"
                : "EXPIRED \(-entry.daysToExpiry) days ago"
            let fields: [(String, String)] = [
                ("Subject", entry.subject),
                ("DNS names", entry.dnsNames.isEmpty ? "(no SAN)" : entry.dnsNames.joined(separator: ", ")),
                ("Issuer", entry.issuer),
                ("Not before", entry.notBefore.formatted(.iso8601)),
                ("Not after", "\(entry.notAfter.formatted(.iso8601)) (\(expiry) at \(at.formatted(.iso8601)))"),
                ("Key", entry.keyDescription),
                ("SHA-256", entry.sha256Fingerprint),
            ]
            let width = fields.map(\.0.count).max() ?? 0
            for (label, value) in fields {
                lines.append(
                    "  " + (label + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " " + value
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func describeKey(_ key: Certificate.PublicKey) -> String {
        if let rsa = _RSA.Signing.PublicKey(key) { return "RSA \(rsa.keySizeInBits) bits" }
        if P256.Signing.PublicKey(key) != nil { return "ECDSA P-256" }
        if P384.Signing.PublicKey(key) != nil { return "ECDSA P-384" }
        if P521.Signing.PublicKey(key) != nil { return "ECDSA P-521" }
        if Curve25519.Signing.PublicKey(key) != nil { return "Ed25519" }
        return "unknown"
    }
}
