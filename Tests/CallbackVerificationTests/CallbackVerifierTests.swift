import CallbackVerification
import DSRCore
import Foundation
import ProcessorSimulator
import Testing
import TestSupport
import X509

@Suite("CallbackVerifier")
struct CallbackVerifierTests {
    private static let domain = PKIFixtures.domain
    private static let body = PKIFixtures.body

    private func verifier(serving chain: GeneratedChain?, clock: (any WallClock)? = nil) -> CallbackVerifier {
        let served = ServedCertificate(chain?.chainPEM)
        let cache = served.cache(clock: clock ?? ManualWallClock(PKIFixtures.now))
        return CallbackVerifier(allowedDomains: [Self.domain], cache: cache)
    }

    private func signature(_ chain: GeneratedChain, _ body: [UInt8] = Self.body) throws -> String {
        try PayloadSigner(key: chain.leafKey).signature(for: body)
    }

    @Test("a body signed by the processor's leaf is accepted")
    func acceptsSignedCallback() async throws {
        let verified = try await verifier(serving: PKIFixtures.good).verify(
            domainHeader: Self.domain,
            signatureHeader: try signature(PKIFixtures.good),
            body: Self.body
        )
        #expect(verified.domain == Self.domain)
    }

    @Test("the domain header matches case-insensitively and the signature may carry surrounding whitespace")
    func acceptsHeaderVariants() async throws {
        let verified = try await verifier(serving: PKIFixtures.cnOnly).verify(
            domainHeader: "OpenDSR.mParticle.COM",
            signatureHeader: " \(try signature(PKIFixtures.cnOnly))\r\n",
            body: Self.body
        )
        #expect(verified.domain == Self.domain)
    }

    @Test("the signature is one line of base64, 344 characters for RSA-2048, as mParticle sends it")
    func signatureShape() throws {
        let header = try signature(PKIFixtures.good)
        #expect(header.count == 344)
        #expect(!header.contains("\n"))
    }

    /// The two headers of a callback and the refusal they must get.
    struct HeaderRefusal: Sendable, CustomTestStringConvertible {
        let testDescription: String
        var domain: String? = PKIFixtures.domain
        var signature: String? = "q/zaWUW4"
        let expected: CallbackVerificationError.Code
    }

    @Test(
        "header refusals, before any certificate fetch",
        arguments: [
            HeaderRefusal(testDescription: "no domain header", domain: nil, expected: .missingDomainHeader),
            HeaderRefusal(testDescription: "empty domain header", domain: "", expected: .missingDomainHeader),
            HeaderRefusal(
                testDescription: "unknown domain",
                domain: "static.mparticle.com",
                expected: .domainNotAllowed
            ),
            HeaderRefusal(
                testDescription: "allowlisted domain inside another",
                domain: "evil-opendsr.mparticle.com",
                expected: .domainNotAllowed
            ),
            HeaderRefusal(testDescription: "no signature", signature: nil, expected: .missingSignature),
            HeaderRefusal(testDescription: "blank signature", signature: "  ", expected: .missingSignature),
            HeaderRefusal(testDescription: "not base64", signature: "q/zaWUW4!!", expected: .malformedSignature),
            HeaderRefusal(
                testDescription: "wrapped over two lines",
                signature: "q/zaWUW4\nq/zaWUW4",
                expected: .malformedSignature
            ),
        ]
    )
    func refusesHeaders(_ refusalCase: HeaderRefusal) async {
        let served = ServedCertificate(PKIFixtures.good.chainPEM)
        let verifier = CallbackVerifier(
            allowedDomains: [Self.domain],
            cache: served.cache(clock: ManualWallClock(PKIFixtures.now))
        )
        let error = await refusal {
            try await verifier.verify(
                domainHeader: refusalCase.domain,
                signatureHeader: refusalCase.signature,
                body: Self.body
            )
        }
        #expect(error?.code == refusalCase.expected)
        #expect(served.fetches == 0)
    }

    @Test("a base64 header that is not this body's signature is refused")
    func refusesWrongSignatures() async throws {
        let verifier = self.verifier(serving: PKIFixtures.good)
        var tampered = Self.body
        tampered[tampered.count / 2] ^= 0x01
        let cases: [(String, String, [UInt8])] = [
            ("one body byte changed", try signature(PKIFixtures.good), tampered),
            ("signed by another key", try signature(PKIFixtures.rotated), Self.body),
            ("signed by a self-signed impostor", try signature(PKIFixtures.selfSigned), Self.body),
            ("well-formed base64, not a signature", "q/zaWUW4", Self.body),
        ]
        for (name, header, body) in cases {
            let error = await refusal {
                try await verifier.verify(domainHeader: Self.domain, signatureHeader: header, body: body)
            }
            #expect(error?.code == .signatureMismatch, "\(name)")
            #expect(
                error.map { !$0.reason.contains(header) } == true,
                "\(name): the reason must not echo the signature"
            )
        }
    }

    /// A processor chain that must be refused, with the refusal.
    struct ChainRefusal: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let chain: GeneratedChain
        let expected: CallbackVerificationError.Code
    }

    @Test(
        "certificate refusals, even with the leaf's own valid signature",
        arguments: [
            ChainRefusal(testDescription: "self-signed leaf", chain: PKIFixtures.selfSigned, expected: .untrustedChain),
            ChainRefusal(testDescription: "untrusted root", chain: PKIFixtures.untrusted, expected: .untrustedChain),
            ChainRefusal(testDescription: "another name", chain: PKIFixtures.wrongName, expected: .nameMismatch),
            ChainRefusal(testDescription: "expired", chain: PKIFixtures.expired, expected: .expired),
            ChainRefusal(testDescription: "not yet valid", chain: PKIFixtures.notYetValid, expected: .notYetValid),
        ]
    )
    func refusesCertificates(_ refusalCase: ChainRefusal) async throws {
        let header = try signature(refusalCase.chain)
        let verifier = self.verifier(serving: refusalCase.chain)
        let error = await refusal {
            try await verifier.verify(domainHeader: Self.domain, signatureHeader: header, body: Self.body)
        }
        #expect(error?.code == refusalCase.expected)
    }

    @Test("a leaf becomes acceptable when the clock reaches its notBefore, and is refused after its notAfter")
    func followsTheInjectedClock() async throws {
        let chain = PKIFixtures.notYetValid
        let clock = ManualWallClock(PKIFixtures.now)
        let served = ServedCertificate(chain.chainPEM)
        let verifier = CallbackVerifier(allowedDomains: [Self.domain], cache: served.cache(clock: clock))
        let header = try signature(chain)
        let early = await refusal {
            try await verifier.verify(domainHeader: Self.domain, signatureHeader: header, body: Self.body)
        }
        #expect(early?.code == .notYetValid)

        clock.set(chain.leaf.notValidBefore + 120)
        let verified = try await verifier.verify(domainHeader: Self.domain, signatureHeader: header, body: Self.body)
        #expect(verified.domain == Self.domain)

        clock.set(chain.leaf.notValidAfter + 1)
        let late = await refusal {
            try await verifier.verify(domainHeader: Self.domain, signatureHeader: header, body: Self.body)
        }
        #expect(late?.code == .expired)
    }

    @Test("an unreachable certificate URL refuses the callback as certificateUnavailable")
    func refusesWhenCertificateUnavailable() async throws {
        let header = try signature(PKIFixtures.good)
        let verifier = self.verifier(serving: nil)
        let error = await refusal {
            try await verifier.verify(domainHeader: Self.domain, signatureHeader: header, body: Self.body)
        }
        #expect(error?.code == .certificateUnavailable)
    }
}
