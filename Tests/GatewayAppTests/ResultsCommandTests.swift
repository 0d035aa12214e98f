import Crypto
import DSRCore
import Foundation
import GatewayApp
import GatewayTools
import Testing
import TestSupport

/// `dsr-gateway results open` turns an archive the gateway sealed at rest back into the zip it downloaded, with the
/// store's keys, from outside the gateway's process.
@Suite struct ResultsCommandTests {
    @Test func aSealedArchiveOpensToTheZipWhoseChecksumTheAuditTrailRecorded() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "access", subjectId: "results-open-1")
            try await harness.waitFor(id, state: "pending")
            try await harness.advance(days: 7)
            try await harness.eventually("results are stored") { try await api.request(id).resultsStatus == "stored" }
            let stored = try await api.request(id)
            let sealed = try harness.resultsFile(stored.resultLocation)
            try await harness.stopGateway()
            let out = sealed.deletingLastPathComponent().appendingPathComponent("opened.zip").path
            let opened = try await CommandLineRunner.run([
                "results", "open", sealed.absoluteString, "--database", harness.storePath, "--out", out,
            ])
            #expect(opened.status == 0, "\(opened.output)\(opened.errors)")
            let archive = try Data(contentsOf: URL(fileURLWithPath: out))
            let audited = stored.audit.last { $0.event == "results_stored" }?.detail
            #expect(audited == "\(archive.count) bytes, sha256 \(SHA256.hash(data: archive).hexString)")

            // A file by that name that is not sealed (a plain zip), or one cut short, is refused, and nothing of it is
            // left at --out.
            let plain = sealed.deletingLastPathComponent().appendingPathComponent("\(UUID()).zip.sealed")
            try archive.write(to: plain)
            let notSealed = try await CommandLineRunner.run([
                "results", "open", plain.path, "--database", harness.storePath, "--out", out + ".2",
            ])
            #expect(notSealed.status != 0)
            #expect((notSealed.output + notSealed.errors).contains("not a sealed results archive"))
            #expect(!FileManager.default.fileExists(atPath: out + ".2"))
            // (The archive's own file, cut: the request id must be the one it was sealed for.)
            let cut = sealed
            try Data(try Data(contentsOf: sealed).dropLast(5)).write(to: cut)
            let damaged = try await CommandLineRunner.run([
                "results", "open", cut.path, "--database", harness.storePath, "--out", out + ".3",
            ])
            #expect(damaged.status != 0)
            #expect(!FileManager.default.fileExists(atPath: out + ".3"))
        }
    }
}
