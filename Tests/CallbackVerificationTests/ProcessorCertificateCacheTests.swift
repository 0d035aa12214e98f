import CallbackVerification
import DSRCore
import Foundation
import ProcessorSimulator
import Testing
import TestSupport
import X509

@Suite("ProcessorCertificateCache")
struct ProcessorCertificateCacheTests {
    private static let domain = PKIFixtures.domain
    private static let body = PKIFixtures.body

    private static func signature(_ chain: GeneratedChain, _ body: [UInt8] = body) throws -> String {
        try PayloadSigner(key: chain.leafKey).signature(for: body)
    }

    @Test("many verifications, sequential and concurrent, share one fetch")
    func fetchesOnce() async throws {
        let served = ServedCertificate(PKIFixtures.good.chainPEM)
        let verifier = CallbackVerifier(
            allowedDomains: [Self.domain],
            cache: served.cache(clock: ManualWallClock(PKIFixtures.now))
        )
        let header = try Self.signature(PKIFixtures.good)
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await verifier.verify(domainHeader: Self.domain, signatureHeader: header, body: Self.body)
                        .domain
                }
            }
            for try await verified in group {
                #expect(verified == Self.domain)
            }
        }
        for _ in 0..<10 {
            _ = try await verifier.verify(domainHeader: Self.domain, signatureHeader: header, body: Self.body)
        }
        #expect(served.fetches == 1)
    }

    @Test("an expired cached certificate is fetched again, and the processor's renewed one is used")
    func refetchesAfterExpiry() async throws {
        let clock = ManualWallClock(PKIFixtures.now)
        let served = ServedCertificate(PKIFixtures.good.chainPEM)
        let cache = served.cache(clock: clock)
        let first = try await cache.certificate(for: Self.domain)
        #expect(first.leaf == PKIFixtures.good.leaf)

        clock.set(PKIFixtures.good.leaf.notValidAfter)
        _ = try await cache.certificate(for: Self.domain)
        #expect(served.fetches == 1, "still valid at exactly notAfter")

        let renewed = try CertificateAuthority.makeChain(
            notBefore: PKIFixtures.now,
            notAfter: PKIFixtures.now + 400 * PKIFixtures.day,
            issuer: PKIFixtures.issuer
        )
        served.serve(renewed.chainPEM)
        clock.advance(by: 1)
        let second = try await cache.certificate(for: Self.domain)
        #expect(served.fetches == 2)
        #expect(second.leaf == renewed.leaf)
    }

    @Test("a rotated key is accepted after one re-fetch; another bad signature within 60 s does not re-fetch")
    func rotation() async throws {
        let clock = ManualWallClock(PKIFixtures.now)
        let served = ServedCertificate(PKIFixtures.good.chainPEM)
        let verifier = CallbackVerifier(allowedDomains: [Self.domain], cache: served.cache(clock: clock))
        _ = try await verifier.verify(
            domainHeader: Self.domain,
            signatureHeader: try Self.signature(PKIFixtures.good),
            body: Self.body
        )

        served.serve(PKIFixtures.rotated.chainPEM)
        clock.advance(by: 61)
        let verified = try await verifier.verify(
            domainHeader: Self.domain,
            signatureHeader: try Self.signature(PKIFixtures.rotated),
            body: Self.body
        )
        #expect(verified.domain == Self.domain)
        #expect(served.fetches == 2)

        clock.advance(by: 30)
        let foreign = try Self.signature(PKIFixtures.wrongName)
        let error = await refusal {
            try await verifier.verify(domainHeader: Self.domain, signatureHeader: foreign, body: Self.body)
        }
        #expect(error?.code == .signatureMismatch)
        #expect(served.fetches == 2)

        clock.advance(by: 31)
        _ = await refusal {
            try await verifier.verify(domainHeader: Self.domain, signatureHeader: foreign, body: Self.body)
        }
        #expect(served.fetches == 3, "after the interval a new signature failure may re-fetch")
    }

    @Test("a re-fetched chain that fails validation keeps the cached certificate in use")
    func badRotationKeepsCurrent() async throws {
        let clock = ManualWallClock(PKIFixtures.now)
        let served = ServedCertificate(PKIFixtures.good.chainPEM)
        let cache = served.cache(clock: clock)
        let current = try await cache.certificate(for: Self.domain)
        served.serve(PKIFixtures.selfSigned.chainPEM)
        clock.advance(by: 61)
        #expect(await cache.refreshAfterSignatureFailure(for: Self.domain) == nil)
        #expect(try await cache.certificate(for: Self.domain) == current)
        #expect(served.fetches == 2)
        let status = await cache.status()
        #expect(status.first?.lastFailure?.code == .untrustedChain)
    }

    @Test("an unreachable certificate is not asked for again within 5 s, then is")
    func failedFetchIsRememberedBriefly() async throws {
        let clock = ManualWallClock(PKIFixtures.now)
        let served = ServedCertificate(nil)
        let cache = served.cache(clock: clock)
        for _ in 0..<5 {
            let error = await refusal { try await cache.certificate(for: Self.domain) }
            #expect(error?.code == .certificateUnavailable)
        }
        #expect(served.fetches == 1)

        served.serve(PKIFixtures.good.chainPEM)
        clock.advance(by: 4)
        #expect(await refusal { try await cache.certificate(for: Self.domain) }?.code == .certificateUnavailable)
        clock.advance(by: 1)
        _ = try await cache.certificate(for: Self.domain)
        #expect(served.fetches == 2)
    }

    @Test("a chain that failed validation is not fetched again within a minute")
    func invalidChainIsRememberedForAMinute() async throws {
        let clock = ManualWallClock(PKIFixtures.now)
        let served = ServedCertificate(PKIFixtures.selfSigned.chainPEM)
        let cache = served.cache(clock: clock)
        #expect(await refusal { try await cache.certificate(for: Self.domain) }?.code == .untrustedChain)
        served.serve(PKIFixtures.good.chainPEM)
        clock.advance(by: 59)
        #expect(await refusal { try await cache.certificate(for: Self.domain) }?.code == .untrustedChain)
        #expect(served.fetches == 1)
        clock.advance(by: 1)
        _ = try await cache.certificate(for: Self.domain)
        #expect(served.fetches == 2)
    }

    @Test("status reports each domain's expiry in days at the clock's time")
    func statusForHealthChecks() async throws {
        let clock = ManualWallClock(PKIFixtures.now)
        let cache = ServedCertificate(PKIFixtures.good.chainPEM).cache(clock: clock)
        #expect(await cache.status().isEmpty)
        _ = try await cache.certificate(for: "OPENDSR.mparticle.com")
        clock.advance(by: 10 * PKIFixtures.day + 60)

        let status = await cache.status()
        #expect(status.map(\.domain) == [Self.domain])
        #expect(status.first?.daysRemaining == 49)
        #expect(status.first?.certificate?.expiresAt == PKIFixtures.good.leaf.notValidAfter)
        #expect(status.first?.lastFailure == nil)
    }
}
