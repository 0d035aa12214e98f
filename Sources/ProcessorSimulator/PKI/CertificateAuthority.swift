import Crypto
import Foundation
import X509
import _CryptoExtras

/// Mints processor certificates for the simulator and tests: real chains that swift-certificates' `Verifier` accepts.
package enum CertificateAuthority {
    /// How far a freshly made issuer's validity extends beyond the leaf's, so leaf dates alone decide expiry tests.
    private static let issuerMargin: TimeInterval = 5 * 365 * 86_400

    /// A root → intermediate → RSA-2048 leaf chain.
    ///
    /// leafNames: SAN DNS names (first one is also the CN); pass [] for a leaf with CN only and no SAN extension.
    /// `issuer` nil makes a fresh root+intermediate valid from 5 years before `notBefore` to 5 years after `notAfter`.
    package static func makeChain(
        domain: String = "opendsr.mparticle.com",
        leafNames: [String]? = nil,
        notBefore: Date,
        notAfter: Date,
        issuer: CertificateIssuer? = nil
    ) throws -> GeneratedChain {
        let issuer =
            try issuer
            ?? CertificateIssuer.make(
                notBefore: notBefore - issuerMargin,
                notAfter: notAfter + issuerMargin
            )
        let names = leafNames ?? [domain]
        let leafKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let leafPublicKey = Certificate.PublicKey(leafKey.publicKey)
        let leaf = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: leafPublicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: issuer.intermediate.subject,
            subject: try leafSubject(commonName: names.first ?? domain),
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                try AuthorityKeyIdentifier(
                    keyIdentifier: issuer.intermediate.extensions.subjectKeyIdentifier?.keyIdentifier
                )
                SubjectKeyIdentifier(hash: leafPublicKey)
                if !names.isEmpty {
                    SubjectAlternativeNames(names.map { .dnsName($0) })
                }
            },
            issuerPrivateKey: .init(issuer.intermediateKey)
        )
        return try GeneratedChain(root: issuer.root, intermediate: issuer.intermediate, leaf: leaf, leafKey: leafKey)
    }

    /// A self-signed RSA-2048 certificate for `domain` (CN and SAN): what a gateway must refuse.
    ///
    /// Made like `openssl req -x509` makes one, with `CA:TRUE`, so that swift-certificates' `Verifier` would accept
    /// it as a one-certificate chain were it configured as a trust root. `root`, `intermediate` and `leaf` of the
    /// result are the same certificate; `chainPEM` holds it once.
    package static func makeSelfSignedLeaf(domain: String, notBefore: Date, notAfter: Date) throws -> GeneratedChain {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try leafSubject(commonName: domain)
        let leaf = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: name,
            subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true))
                SubjectKeyIdentifier(hash: publicKey)
                SubjectAlternativeNames([.dnsName(domain)])
            },
            issuerPrivateKey: .init(key)
        )
        return try GeneratedChain(root: leaf, intermediate: leaf, leaf: leaf, leafKey: key)
    }

    private static func leafSubject(commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName("US")
            OrganizationName("mParticle Simulator")
            CommonName(commonName)
        }
    }
}
