import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing
import ZIPFoundation

@Suite("GET /v3/requests/{id}/results")
struct ResultsTests {
    /// Submits an access request for `customerId` and moves the clock to its completion (Thursday 01:00 UTC).
    private func completedAccess(_ customerId: String, _ harness: SimulatorHarness) async throws -> String {
        let submission = SimulatorHarness.submission(type: "access", customerId: customerId)
        #expect(try await harness.submit(submission).status == 201)
        await harness.advance(by: 39 * 3_600)
        return submission.subjectRequestId
    }

    private func entries(of zip: [UInt8]) throws -> [String: String] {
        let archive = try Archive(data: Data(zip), accessMode: .read)
        var files: [String: String] = [:]
        for entry in archive {
            var content = Data()
            _ = try archive.extract(entry) { content.append($0) }
            files[entry.path] = String(decoding: content, as: UTF8.self)
        }
        return files
    }

    @Test("a matched profile gives a zip with profile.jsonl and event batches")
    func profileArchive() async throws {
        try await SimulatorHarness.run { harness in
            let id = try await completedAccess("customer-42", harness)
            let answer = try await harness.send(.GET, "v3/requests/\(id)/results")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type") == "application/zip")
            let files = try entries(of: answer.body)
            #expect(Set(files.keys) == ["profile.jsonl", "event_batches.jsonl"])
            let profileLines = try #require(files["profile.jsonl"]).split(separator: "\n")
            #expect(profileLines.count == 1)
            let profile = try JSONSerialization.jsonObject(with: Data(profileLines[0].utf8)) as? [String: Any]
            let identities = profile?["user_identities"] as? [String: String]
            #expect(identities == ["customer_id": "customer-42"])
            #expect(profile?["mpid"] is Int)
            let batches = try #require(files["event_batches.jsonl"]).split(separator: "\n")
            #expect(batches.count == 3)
            for line in batches {
                #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
            }
            // Deterministic: the same request downloads the same archive.
            #expect(try await harness.send(.GET, "v3/requests/\(id)/results").body == answer.body)
        }
    }

    @Test("identities starting with 'empty-' match a profile without data: the zip holds only empty.txt")
    func emptyArchive() async throws {
        try await SimulatorHarness.run { harness in
            let id = try await completedAccess("empty-customer", harness)
            let answer = try await harness.send(.GET, "v3/requests/\(id)/results")
            #expect(answer.status == 200)
            #expect(Array(try entries(of: answer.body).keys) == ["empty.txt"])
        }
    }

    @Test("identities starting with 'nodata-' match no records: 404")
    func noRecords() async throws {
        try await SimulatorHarness.run { harness in
            let id = try await completedAccess("nodata-customer", harness)
            let status = try await harness.send(.GET, "v3/requests/\(id)").decode(RequestStatusResponse.self)
            #expect(status.requestStatus == "completed")
            #expect(status.resultsUrl != nil)
            let answer = try await harness.send(.GET, "v3/requests/\(id)/results")
            #expect(answer.status == 404)
            #expect(try answer.decode(ProcessorErrorBody.self).code == 404)
        }
    }

    @Test("the link answers until completion + 7 days, then 410 Gone")
    func expiry() async throws {
        try await SimulatorHarness.run { harness in
            let id = try await completedAccess("customer-7", harness)
            // completedAccess lands exactly on the completion time.
            await harness.advance(by: 7 * 86_400 - 1)
            #expect(try await harness.send(.GET, "v3/requests/\(id)/results").status == 200)
            await harness.advance(by: 1)
            let gone = try await harness.send(.GET, "v3/requests/\(id)/results")
            #expect(gone.status == 410)
            #expect(try gone.decode(ProcessorErrorBody.self).code == 410)
        }
    }

    @Test("no results before completion, for erasures or unknown ids (404), and never without credentials (401)")
    func unavailable() async throws {
        try await SimulatorHarness.run { harness in
            let access = SimulatorHarness.submission(type: "access")
            let erasure = SimulatorHarness.submission(type: "erasure")
            #expect(try await harness.submit(access).status == 201)
            #expect(try await harness.submit(erasure).status == 201)
            #expect(try await harness.send(.GET, "v3/requests/\(access.subjectRequestId)/results").status == 404)
            await harness.advance(by: 10 * 86_400)
            #expect(try await harness.send(.GET, "v3/requests/\(erasure.subjectRequestId)/results").status == 404)
            let unknown = UUID().uuidString.lowercased()
            #expect(try await harness.send(.GET, "v3/requests/\(unknown)/results").status == 404)
            let anonymous = try await harness.send(
                .GET, "v3/requests/\(access.subjectRequestId)/results", credentials: nil)
            #expect(anonymous.status == 401)
        }
    }
}
