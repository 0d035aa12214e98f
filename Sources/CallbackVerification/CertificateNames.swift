import X509

/// Reads the names a certificate is issued to, for messages and reports (identity checks use `ServerIdentityPolicy`).
package enum CertificateNames {
    /// The DNS names of the SAN extension; empty when there is none or it cannot be parsed.
    package static func dnsNames(of certificate: Certificate) -> [String] {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return names.compactMap {
            if case .dnsName(let name) = $0 { return name }
            return nil
        }
    }
}
