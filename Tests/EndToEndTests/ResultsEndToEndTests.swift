import Crypto
import DSRCore
import Foundation
import GatewayApp
import GatewayTools
import Testing
import TestSupport
import Workers

/// Access results are downloaded from the processor over loopback and stored whole, with their checksum audited.
@Suite struct ResultsEndToEndTests {
    @Test func accessResultsAreStoredWithTheirChecksumInTheAuditTrail() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "access", subjectId: "results-subject-1")
            try await harness.waitFor(id, state: "pending")
            try await harness.advance(days: 7)
            try await harness.eventually("results are stored") { try await api.request(id).resultsStatus == "stored" }
            let stored = try await api.request(id)
            // Answers name the archive inside the results directory, never the machine's absolute path.
            #expect(stored.resultLocation == "\(id).zip.sealed")
            let location = try harness.resultsFile(stored.resultLocation)
            // Sealed at rest: no run of the archive's bytes is in the file; opened, it is the archive downloaded.
            let sealed = try #require(FileManager.default.contents(atPath: location.path))
            let archive = try harness.openedResults(stored.resultLocation, requestID: id)
            #expect(sealed.range(of: archive.prefix(48)) == nil)
            #expect(sealed.range(of: archive.suffix(48)) == nil)
            let digest = SHA256.hash(data: archive).hexString
            let audited = try #require(stored.audit.last { $0.event == "results_stored" }?.detail)
            #expect(audited == "\(archive.count) bytes, sha256 \(digest)")
            #expect(archive.starts(with: [0x50, 0x4B, 0x03, 0x04]))
            // Subject data is readable by the gateway's user only: the archive, its directory (where the download
            // was staged, nothing left behind), the database and its WAL.
            func mode(_ path: String) throws -> Int {
                try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
            }
            let directory = location.deletingLastPathComponent().path
            #expect(try mode(location.path) == 0o600)
            #expect(try mode(directory) == 0o700)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [location.lastPathComponent])
            #expect(try mode(harness.storePath) == 0o600)
            #expect(try mode(harness.storePath + "-wal") == 0o600)
        }
    }

    @Test func aSubjectWithNoDataCompletesWithAnEmptyResult() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "access", subjectId: "nodata-subject-2")
            try await harness.waitFor(id, state: "pending")
            try await harness.advance(days: 7)
            try await harness.eventually("no data is recorded") { try await api.request(id).resultsStatus == "no_data" }
            let stored = try await api.request(id)
            #expect(stored.state == "completed")
            #expect(stored.resultLocation == nil)
            #expect(stored.audit.contains { $0.event == "results_empty" })
        }
    }
}

/// The results size cap: an archive over it is never stored, and the refusal is audited once, not retried.
@Suite struct ResultsSizeCapTests {
    @Test func anArchiveOverTheCapIsNotStored() async throws {
        try await GatewayHarness.with(gateway: { $0.results.maxBytes = 100 }) { harness in
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "access", subjectId: "too-big-1")
            try await harness.waitFor(id, state: "pending")
            try await harness.advance(days: 7)
            try await harness.eventually("the refusal is audited") {
                try await api.request(id).audit.contains { $0.event == "results_failed" }
            }
            let request = try await api.request(id)
            #expect(request.resultsStatus == "failed" && request.resultLocation == nil)
            let detail = request.audit.last { $0.event == "results_failed" }?.detail
            #expect(detail?.contains("larger than 100 bytes") == true)
            #expect(request.audit.filter { $0.event.hasPrefix("results_") }.count == 1)
        }
    }
}
