import Evidence
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing
import TestSupport

/// `GET /data-subject-requests/{id}/evidence` through the real router on a real SQLite file: the bundle for
/// `requests:admin`, a clear 4xx otherwise.
@Suite struct EvidenceAPITests {
    @Test func anAdminGetsTheSignedBundleOthersGetAClear4xx() async throws {
        try await RouterHarness.with { harness, client in
            let submitted = try await client.submit(
                #"{"regulation":"gdpr","type":"erasure","subjectId":"customer-1"}"#)
            let body = try JSONSerialization.jsonObject(with: Data(buffer: submitted.body)) as? [String: Any]
            let id = try #require(body?["id"] as? String)
            let response = try await client.evidence(id)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/zip")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"evidence-\(id).zip\"")
            let bundle = try EvidenceBundle(zip: Data(buffer: response.body))
            #expect(bundle.files["audit/0.json"] != nil)
            let manifest = String(decoding: try #require(bundle.files[EvidenceBundle.manifestName]), as: UTF8.self)
            #expect(manifest.hasPrefix("dsr-gateway evidence bundle v1\nrequest \(id)\n"))
            // The subject is in the request record for the auditor, never the file names or the manifest.
            #expect(!manifest.contains("customer-1"))

            let reader = try await client.evidence(id, key: RouterHarness.readerKey)
            #expect(reader.status == .forbidden)
            let unknown = try await client.evidence(UUID().uuidString.lowercased())
            #expect(unknown.status == .notFound)
            let malformed = try await client.evidence("not-an-id")
            #expect(malformed.status == .badRequest)
            #expect(try APIErrorBody(malformed).code == "invalid_field")
        }
    }
}

extension TestClientProtocol {
    func evidence(_ id: String, key: String = RouterHarness.writerKey) async throws -> TestResponse {
        try await execute(
            uri: "/data-subject-requests/\(id)/evidence", method: .get, headers: [.authorization: "Bearer \(key)"])
    }
}
