import AsyncHTTPClient
import Crypto
import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import S3
import Testing
import TestSupport
import Workers

/// Access results in S3-compatible object storage (moto with signature checks on): Baton's SAR flow ends with the
/// location the original Lambda wrote, the object holds the archive the audit trail's SHA-256 names, and retention
/// deletes it.
@Suite struct ObjectStorageResultsTests {
    @Test func batonReadsAnS3LocationWhoseObjectIsTheAuditedArchiveAndRetentionDeletesIt() async throws {
        try await MotoServer.run { moto in
            let bucket = try S3Configuration(
                bucket: "gu-baton-results", region: "eu-west-1", endpoint: moto.endpoint,
                credentials: moto.identities.user, serverSideEncryption: .aes256)
            let admin = S3Client(configuration: bucket, httpClient: .shared)
            try await admin.createBucket()
            try await GatewayHarness.with(gateway: {
                $0.resultsObjectStore = bucket
                $0.results.retention = 2 * 86_400
            }) { harness in
                let api = try await harness.api
                let reference = try await api.batonInitiate("SAR", subjectId: "baton-sar-s3")
                try await harness.waitFor(reference, state: "pending")
                try await harness.advance(days: 7)
                try await harness.eventually("Baton sees completed") {
                    try await api.batonStatus("SAR", reference)["status"] as? String == "completed"
                }
                let locations = try await api.batonStatus("SAR", reference)["resultLocations"] as? [String]
                #expect(locations == ["s3://gu-baton-results/mparticle-results/\(reference).zip"])
                let (archive, headers) = try await admin.getObject(
                    key: "mparticle-results/\(reference).zip", maxBytes: 1 << 20)
                #expect(headers.first(name: "x-amz-server-side-encryption") == "AES256")
                let digest = SHA256.hash(data: archive).map { String(format: "%02x", $0) }.joined()
                let audited = try await api.request(reference).audit.last { $0.event == "results_stored" }?.detail
                #expect(audited?.hasSuffix("sha256 \(digest)") == true)

                try await harness.advance(days: 3)
                try await harness.eventually("retention deleted the object") {
                    try await api.request(reference).audit.contains { $0.event == "results_deleted" }
                }
                await #expect(throws: S3Error.self) {
                    try await admin.getObject(key: "mparticle-results/\(reference).zip", maxBytes: 1 << 20)
                }
            }
        }
    }
}
