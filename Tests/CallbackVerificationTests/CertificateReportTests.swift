import CallbackVerification
import Foundation
import ProcessorSimulator
import Testing
import TestSupport

@Suite("CertificateReport")
struct CertificateReportTests {
    @Test("lists every certificate of the bundle, leaf first, with names, dates, key and fingerprint")
    func reportsChain() throws {
        let chain = PKIFixtures.good
        let report = try CertificateReport(pem: chain.chainPEM, at: PKIFixtures.now)
        #expect(report.entries.count == 3)
        let leaf = try #require(report.entries.first)
        #expect(leaf.dnsNames == ["opendsr.mparticle.com", "www.opendsr.mparticle.com", "opengdpr.mparticle.com"])
        #expect(leaf.subject.contains("CN=opendsr.mparticle.com"))
        #expect(leaf.issuer == report.entries[1].subject)
        #expect(leaf.daysToExpiry == 60)
        #expect(leaf.keyDescription == "RSA 2048 bits")
        #expect(report.entries[2].keyDescription == "ECDSA P-256")
        #expect(report.entries[2].dnsNames.isEmpty)
        #expect(leaf.sha256Fingerprint.split(separator: ":").count == 32)
        #expect(Set(report.entries.map(\.sha256Fingerprint)).count == 3)
    }

    @Test("render prints aligned labelled lines and flags expired certificates")
    func rendersText() throws {
        let report = try CertificateReport(pem: PKIFixtures.expired.chainPEM, at: PKIFixtures.now)
        let text = report.render()
        let lines = text.split(separator: "\n")
        #expect(lines.first == "Certificate 1 of 3")
        #expect(text.contains("EXPIRED 1 days ago"))
        #expect(text.contains("  DNS names:  opendsr.mparticle.com"))
        #expect(text.contains("  SHA-256:    \(report.entries[0].sha256Fingerprint)"))
        // Values start in one column: two spaces, the widest label ("Not before:"), one space.
        for line in lines where line.hasPrefix("  ") {
            #expect(line.dropFirst(13).first == " " && line.dropFirst(14).first != " ", "\(line)")
        }
    }

    @Test("garbage is refused with a clear reason")
    func refusesGarbage() {
        #expect {
            try CertificateReport(pem: "hello", at: PKIFixtures.now)
        } throws: { error in
            let error = error as? CallbackVerificationError
            return error?.code == .invalidCertificate && error?.reason.contains("BEGIN CERTIFICATE") == true
        }
    }
}
