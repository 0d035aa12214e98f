import TestSupport
import Persistence
import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

@testable import S3

/// The results store against a real S3-compatible server: moto in server mode, with IAM authentication on, so every
/// request's SigV4 signature is recomputed by botocore and checked. Each test runs its own moto.
@Suite("S3 results store against moto", .serialized, .timeLimit(.minutes(5)))
struct MotoEndToEndTests {
    static let bucket = "dsr-results"

    func makeStore(
        _ moto: MotoServer, credentials: AWSSigV4.Credentials? = nil,
        encryption: S3Configuration.ServerSideEncryption = .aes256
    ) throws -> S3ResultsStore {
        let configuration = try S3Configuration(
            bucket: Self.bucket, endpoint: moto.endpoint, credentials: credentials ?? moto.identities.user,
            serverSideEncryption: encryption)
        return try S3ResultsStore(client: S3Client(configuration: configuration, httpClient: .shared))
    }

    func archive(bytes: Int) throws -> (URL, Data) {
        // Distinct bytes everywhere (a seeded xorshift, eight bytes a step), so a misplaced part cannot go unnoticed.
        var state = UInt64.random(in: 1...UInt64.max)
        var data = Data(count: bytes)
        data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            for offset in stride(from: 0, to: bytes, by: 8) {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                withUnsafeBytes(of: state) { word in
                    for index in 0..<min(8, bytes - offset) { buffer[offset + index] = word[index] }
                }
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("s3-test-\(UUID()).zip")
        try data.write(to: file)
        return (file, data)
    }

    func status(of error: S3Error) -> Int? {
        if case .rejected(_, let status, _) = error { return status }
        return nil
    }

    @Test("a small archive and a 12 MiB one (two 8 MiB parts) are stored whole, read back, deleted")
    func saveReadDelete() async throws {
        try await MotoServer.run { moto in
            let store = try makeStore(moto)
            try await store.client.createBucket()
            for size in [1024, 12 * 1024 * 1024] {
                let (file, data) = try archive(bytes: size)
                defer { try? FileManager.default.removeItem(at: file) }
                let id = UUID().uuidString.lowercased()
                let location = try await store.save(file, subjectRequestId: id)
                #expect(location == "s3://\(Self.bucket)/mparticle-results/\(id).zip")

                let key = "mparticle-results/\(id).zip"
                let (body, headers) = try await store.client.getObject(key: key, maxBytes: 16 * 1024 * 1024)
                #expect(body == data)
                #expect(headers.first(name: "x-amz-server-side-encryption") == "AES256")
                // A multipart object's ETag is the MD5 of its parts' MD5s, then "-<parts>".
                let etag = headers.first(name: "ETag") ?? ""
                #expect(etag.hasSuffix("-2\"") == (size > 8 * 1024 * 1024), "\(etag)")

                try await store.delete(location: location)
                let gone = await #expect(throws: S3Error.self) {
                    _ = try await store.client.getObject(key: key, maxBytes: 1024)
                }
                #expect(gone.map(status(of:)) == 404)
                try await store.delete(location: location)
            }
        }
    }

    @Test("SSE-KMS headers are accepted and kept; the probe writes and deletes under the prefix")
    func kmsAndProbe() async throws {
        try await MotoServer.run { moto in
            let keyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            let store = try makeStore(moto, encryption: .kms(keyId: keyId))
            try await store.client.createBucket()
            let (file, data) = try archive(bytes: 100)
            defer { try? FileManager.default.removeItem(at: file) }
            _ = try await store.save(file, subjectRequestId: "kms")
            let (body, headers) = try await store.client.getObject(key: "mparticle-results/kms.zip", maxBytes: 1024)
            #expect(body == data)
            #expect(headers.first(name: "x-amz-server-side-encryption") == "aws:kms")
            #expect(headers.first(name: "x-amz-server-side-encryption-aws-kms-key-id") == keyId)
            try await store.client.probe()
            // No `/` in the prefix: moto checks the signature over its decoded copy of the query, so a value that must
            // be percent-encoded fails there though S3 accepts it (the store's own calls send none).
            let listing = try await store.client.send(
                "ListObjectsV2", "GET", key: "", query: [("list-type", "2"), ("prefix", "mparticle-results")],
                headers: [], body: nil)
            let keys = String(decoding: listing.body, as: UTF8.self)
            #expect(keys.contains("<Key>mparticle-results/kms.zip</Key>"))
            #expect(!keys.contains(".probe-"))
        }
    }

    @Test("temporary credentials: the session token is sent and signed")
    func sessionToken() async throws {
        try await MotoServer.run { moto in
            let store = try makeStore(moto, credentials: moto.identities.role)
            try await store.client.createBucket()
            let (file, _) = try archive(bytes: 10)
            defer { try? FileManager.default.removeItem(at: file) }
            let location = try await store.save(file, subjectRequestId: "token")
            try await store.delete(location: location)

            var wrong = moto.identities.role
            wrong.sessionToken = "not-the-token"
            let refused = await #expect(throws: S3Error.self) {
                _ = try await self.makeStore(moto, credentials: wrong).save(file, subjectRequestId: "token")
            }
            #expect(refused == .rejected(operation: "PutObject", status: 400, code: "InvalidToken"))
        }
    }

    @Test("wrong credentials are a typed error naming the status and S3's code, for single and multipart uploads")
    func wrongCredentials() async throws {
        try await MotoServer.run { moto in
            try await makeStore(moto).client.createBucket()
            let (small, _) = try archive(bytes: 10)
            let (large, _) = try archive(bytes: 9 * 1024 * 1024)
            defer {
                try? FileManager.default.removeItem(at: small)
                try? FileManager.default.removeItem(at: large)
            }
            var wrongSecret = moto.identities.user
            wrongSecret.secretAccessKey = "wrong"
            let unknownKey = AWSSigV4.Credentials(accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x")
            for (credentials, code) in [(wrongSecret, "SignatureDoesNotMatch"), (unknownKey, "InvalidAccessKeyId")] {
                let store = try makeStore(moto, credentials: credentials)
                for file in [small, large] {
                    let error = await #expect(throws: S3Error.self) {
                        _ = try await store.save(file, subjectRequestId: "denied")
                    }
                    guard case .rejected(let operation, 403, let got)? = error, got == code else {
                        Issue.record("unexpected \(String(describing: error))")
                        continue
                    }
                    #expect(operation == (file == small ? "PutObject" : "CreateMultipartUpload"))
                    #expect(!"\(error!)".contains(credentials.secretAccessKey))
                }
                await #expect(throws: S3Error.self) { try await store.client.probe() }
            }
        }
    }

    @Test("a multipart upload that fails is aborted: no object and no parts are left")
    func abortOnFailure() async throws {
        // With a 10 MiB minimum, moto refuses the 8 MiB first part at CompleteMultipartUpload (EntityTooSmall).
        try await MotoServer.run(environment: ["S3_UPLOAD_PART_MIN_SIZE": "\(10 * 1024 * 1024)"]) { moto in
            let store = try makeStore(moto)
            try await store.client.createBucket()
            let (file, _) = try archive(bytes: 12 * 1024 * 1024)
            defer { try? FileManager.default.removeItem(at: file) }
            let error = await #expect(throws: S3Error.self) { _ = try await store.save(file, subjectRequestId: "big") }
            #expect(error == .rejected(operation: "CompleteMultipartUpload", status: 400, code: "EntityTooSmall"))
            let missing = await #expect(throws: S3Error.self) {
                _ = try await store.client.getObject(key: "mparticle-results/big.zip", maxBytes: 1024)
            }
            #expect(missing.map(status(of:)) == 404)
            func openUploads() async throws -> String {
                let uploads = try await store.client.send(
                    "ListMultipartUploads", "GET", key: "", query: [("uploads", "")], headers: [], body: nil)
                return String(decoding: uploads.body, as: UTF8.self)
            }
            #expect(!(try await openUploads()).contains("<UploadId>"))

            // The listing does show an upload left open.
            let created = try await store.client.send(
                "CreateMultipartUpload", "POST", key: "left-open", query: [("uploads", "")], headers: [], body: nil)
            let uploadId = try #require(S3Client.element("UploadId", in: created.body))
            #expect(try await openUploads().contains("<UploadId>\(uploadId)</UploadId>"))
            try await store.client.abortMultipartUpload(key: "left-open", uploadId: uploadId)
            #expect(!(try await openUploads()).contains("<UploadId>"))
        }
    }

    @Test("a location of another bucket or prefix is refused and nothing is deleted")
    func foreignLocation() async throws {
        try await MotoServer.run { moto in
            let store = try makeStore(moto)
            try await store.client.createBucket()
            let (file, _) = try archive(bytes: 10)
            defer { try? FileManager.default.removeItem(at: file) }
            _ = try await store.save(file, subjectRequestId: "kept")
            for location in [
                "s3://another-bucket/mparticle-results/kept.zip", "s3://\(Self.bucket)/elsewhere/kept.zip",
            ] {
                await #expect(throws: ResultsStoreError.self) { try await store.delete(location: location) }
            }
            _ = try await store.client.getObject(key: "mparticle-results/kept.zip", maxBytes: 1024)
        }
    }
}
