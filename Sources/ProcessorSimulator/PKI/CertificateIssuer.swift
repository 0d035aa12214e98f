import Crypto
import Foundation
import X509

/// A reusable root+intermediate so tests can mint several leaves (rotation) under one trusted root.
package struct CertificateIssuer: Sendable {
    package let root: Certificate
    package let intermediate: Certificate
    /// Signs leaves; kept inside the module so only `CertificateAuthority` issues certificates.
    let intermediateKey: P256.Signing.PrivateKey

    /// A fresh P-256 root and intermediate, both valid from `notBefore` to `notAfter`.
    package static func make(notBefore: Date, notAfter: Date) throws -> CertificateIssuer {
        let rootKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName {
            CountryName("US")
            OrganizationName("DSR Gateway Test PKI")
            CommonName("DSR Gateway Test Root CA")
        }
        let root = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: .init(rootKey.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: rootName,
            subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(rootKey.publicKey))
            },
            issuerPrivateKey: .init(rootKey)
        )
        let intermediateKey = P256.Signing.PrivateKey()
        let intermediate = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: .init(intermediateKey.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: rootName,
            subject: try DistinguishedName {
                CountryName("US")
                OrganizationName("DSR Gateway Test PKI")
                CommonName("DSR Gateway Test Intermediate CA")
            },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                try AuthorityKeyIdentifier(keyIdentifier: root.extensions.subjectKeyIdentifier?.keyIdentifier)
                SubjectKeyIdentifier(hash: .init(intermediateKey.publicKey))
            },
            issuerPrivateKey: .init(rootKey)
        )
        return CertificateIssuer(root: root, intermediate: intermediate, intermediateKey: intermediateKey)
    }
}
