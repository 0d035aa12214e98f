import CallbackVerification
import Foundation
import ProcessorSimulator
import Testing
import TestSupport
import X509
import _CryptoExtras

@Suite("ChainValidator")
struct ChainValidatorTests {
    private let validator = ChainValidator(trustRoots: PKIFixtures.trustRoots)

    @Test("a CA-issued chain for the domain is accepted, ending at the trust root")
    func acceptsGoodChain() async throws {
        let chain = PKIFixtures.good
        let validated = try await validator.validate(
            chainPEM: chain.chainPEM,
            domain: PKIFixtures.domain,
            at: PKIFixtures.now
        )
        #expect(validated.leaf == chain.leaf)
        #expect(validated.chain == [chain.leaf, chain.intermediate, chain.root])
        #expect(validated.expiresAt == chain.leaf.notValidAfter)
        #expect(validated.domain == PKIFixtures.domain)
    }

    @Test("the root may be left out of the served chain, and the domain's case does not matter")
    func acceptsChainWithoutRoot() async throws {
        let chain = PKIFixtures.good
        let pem = PKIFixtures.pemBlocks(of: chain)[0...1].joined()
        let validated = try await validator.validate(
            chainPEM: pem,
            domain: "OpenDSR.mParticle.com",
            at: PKIFixtures.now
        )
        #expect(validated.chain.last == chain.root)
    }

    @Test("a leaf without SAN is matched on its CN")
    func acceptsCommonNameOnlyLeaf() async throws {
        let chain = PKIFixtures.cnOnly
        #expect(try chain.leaf.extensions.subjectAlternativeNames == nil)
        let validated = try await validator.validate(
            chainPEM: chain.chainPEM,
            domain: PKIFixtures.domain,
            at: PKIFixtures.now
        )
        #expect(validated.leaf == chain.leaf)
    }

    @Test("a self-signed leaf is refused even when configured as a trust root")
    func refusesSelfSignedLeafInTrustRoots() async throws {
        let chain = PKIFixtures.selfSigned
        #expect(try chain.leaf.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        let trusting = ChainValidator(trustRoots: [chain.leaf])
        let error = await refusal {
            try await trusting.validate(chainPEM: chain.chainPEM, domain: PKIFixtures.domain, at: PKIFixtures.now)
        }
        #expect(error?.code == .untrustedChain)
    }

    @Test("a CA-issued leaf configured as the only trust root is refused: it is no CA")
    func refusesPinnedLeaf() async {
        let chain = PKIFixtures.good
        let pinning = ChainValidator(trustRoots: [chain.leaf])
        let error = await refusal {
            try await pinning.validate(chainPEM: chain.chainPEM, domain: PKIFixtures.domain, at: PKIFixtures.now)
        }
        #expect(error?.code == .untrustedChain)
    }

    /// A served PEM, the domain expected of it, and the refusal it must get.
    struct Refusal: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let pem: String
        var domain = PKIFixtures.domain
        let expected: CallbackVerificationError.Code
    }

    @Test(
        "refusals",
        arguments: [
            Refusal(
                testDescription: "self-signed leaf",
                pem: PKIFixtures.selfSigned.chainPEM,
                expected: .untrustedChain
            ),
            Refusal(testDescription: "untrusted root", pem: PKIFixtures.untrusted.chainPEM, expected: .untrustedChain),
            Refusal(
                testDescription: "leaf without its intermediate",
                pem: PKIFixtures.pemBlocks(of: PKIFixtures.good)[0],
                expected: .untrustedChain
            ),
            Refusal(
                testDescription: "SAN for another name",
                pem: PKIFixtures.wrongName.chainPEM,
                expected: .nameMismatch
            ),
            Refusal(
                testDescription: "good SAN, another domain expected",
                pem: PKIFixtures.good.chainPEM,
                domain: "static.mparticle.com",
                expected: .nameMismatch
            ),
            Refusal(
                testDescription: "CN for another domain",
                pem: PKIFixtures.cnOnly.chainPEM,
                domain: "mparticle.com",
                expected: .nameMismatch
            ),
            Refusal(testDescription: "expired", pem: PKIFixtures.expired.chainPEM, expected: .expired),
            Refusal(testDescription: "not yet valid", pem: PKIFixtures.notYetValid.chainPEM, expected: .notYetValid),
            Refusal(testDescription: "garbage", pem: "not a certificate", expected: .invalidCertificate),
            Refusal(testDescription: "empty", pem: "", expected: .invalidCertificate),
            Refusal(
                testDescription: "a private key instead",
                pem: PKIFixtures.good.leafKey.pemRepresentation,
                expected: .invalidCertificate
            ),
        ]
    )
    func refuses(_ refusalCase: Refusal) async {
        let error = await refusal {
            try await validator.validate(chainPEM: refusalCase.pem, domain: refusalCase.domain, at: PKIFixtures.now)
        }
        #expect(error?.code == refusalCase.expected, "\(String(describing: error))")
        #expect(error?.reason.isEmpty == false)
    }

    @Test("the same chain is refused once the clock passes its leaf's notAfter")
    func expiryFollowsValidationTime() async throws {
        let chain = PKIFixtures.good
        _ = try await validator.validate(chainPEM: chain.chainPEM, domain: PKIFixtures.domain, at: PKIFixtures.now)
        let error = await refusal {
            try await validator.validate(
                chainPEM: chain.chainPEM,
                domain: PKIFixtures.domain,
                at: chain.leaf.notValidAfter + 1
            )
        }
        #expect(error?.code == .expired)
    }
}

/// The verification error `operation` throws; nil (and a recorded issue for any other error) if it does not.
func refusal<T>(_ operation: () async throws -> T) async -> CallbackVerificationError? {
    do {
        _ = try await operation()
        return nil
    } catch let error as CallbackVerificationError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
