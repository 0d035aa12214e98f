import Foundation
import ProcessorSimulator
import X509

/// Chains shared by the suites: RSA key generation costs ~100 ms, so each is minted once per test process.
package enum PKIFixtures {
    package static let domain = "opendsr.mparticle.com"
    /// The time every validation in these tests happens at, unless a test moves a clock.
    package static let now = Date(timeIntervalSince1970: 1_750_000_000)
    package static let day: TimeInterval = 86_400

    package static let issuer = try! CertificateIssuer.make(notBefore: now - 365 * day, notAfter: now + 5 * 365 * day)
    package static var trustRoots: [Certificate] { [issuer.root] }

    /// Valid from 30 days ago for 90 days, with SAN like the real mParticle leaf.
    package static let good = try! leaf(names: [domain, "www.opendsr.mparticle.com", "opengdpr.mparticle.com"])
    /// A second leaf under the same issuer: the processor after a key rotation.
    package static let rotated = try! leaf(names: [domain])
    package static let cnOnly = try! leaf(names: [])
    package static let wrongName = try! leaf(names: ["opendsr.example.com"])
    package static let expired = try! CertificateAuthority.makeChain(
        notBefore: now - 100 * day, notAfter: now - day, issuer: issuer
    )
    package static let notYetValid = try! CertificateAuthority.makeChain(
        notBefore: now + day, notAfter: now + 90 * day, issuer: issuer
    )
    package static let selfSigned = try! CertificateAuthority.makeSelfSignedLeaf(
        domain: domain, notBefore: now - 30 * day, notAfter: now + 60 * day
    )
    /// A correct-looking chain whose root (same subject name as ours) is not trusted.
    package static let untrusted = try! CertificateAuthority.makeChain(
        notBefore: now - 30 * day, notAfter: now + 60 * day)

    /// A callback body in mParticle's compact key order (docs/upstream-apis.md, "Callbacks").
    package static let body = Array(
        #"{"controller_id":"1402","expected_completion_time":"2025-06-09T00:00:00Z","subject_request_id":"475974fa-6b42-4370-bb56-b5d845686bb5","request_status":"completed","results_url":null,"extensions":null}"#
            .utf8
    )

    /// The served chain's PEM blocks, each with its END line: leaf, intermediate, root.
    package static func pemBlocks(of chain: GeneratedChain) -> [String] {
        let end = "-----END CERTIFICATE-----\n"
        return chain.chainPEM.components(separatedBy: end).dropLast().map { $0 + end }
    }

    private static func leaf(names: [String]) throws -> GeneratedChain {
        try CertificateAuthority.makeChain(
            leafNames: names, notBefore: now - 30 * day, notAfter: now + 60 * day, issuer: issuer
        )
    }
}
