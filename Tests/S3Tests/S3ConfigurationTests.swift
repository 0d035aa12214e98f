import Persistence
import AsyncHTTPClient
import Foundation
import Testing

@testable import S3

@Suite("S3 configuration, documents and locations")
struct S3ConfigurationTests {
    let credentials = AWSSigV4.Credentials(accessKeyId: "AKID", secretAccessKey: "SECRET")

    @Test("defaults: the Lambda's prefix, us-east-1, virtual-hosted AWS, 8 MiB parts")
    func defaults() throws {
        let configuration = try S3Configuration(bucket: "gu-baton-results", credentials: credentials)
        #expect(configuration.prefix == "mparticle-results/")
        #expect(configuration.region == "us-east-1")
        #expect(configuration.partSize == 8 * 1024 * 1024)
        #expect(configuration.serverSideEncryption == .none)
        let address = configuration.address(of: "mparticle-results/abc.zip")
        #expect(address.url == "https://gu-baton-results.s3.us-east-1.amazonaws.com/mparticle-results/abc.zip")
        #expect(address.host == "gu-baton-results.s3.us-east-1.amazonaws.com")
        #expect(address.path == "/mparticle-results/abc.zip")
        #expect(
            configuration.location(ofKey: configuration.key(forSubjectRequestId: "abc"))
                == "s3://gu-baton-results/mparticle-results/abc.zip")
    }

    @Test("a custom endpoint is addressed path style, keys percent-encoded once")
    func pathStyle() throws {
        let configuration = try S3Configuration(
            bucket: "results", region: "eu-west-1", endpoint: "http://127.0.0.1:9000/", credentials: credentials)
        let address = configuration.address(of: "p/a b+c.zip")
        #expect(address.url == "http://127.0.0.1:9000/results/p/a%20b%2Bc.zip")
        #expect(address.host == "127.0.0.1:9000")
        #expect(address.path == "/results/p/a%20b%2Bc.zip")
    }

    @Test("what S3 would refuse is refused up front")
    func validation() {
        #expect(throws: S3Error.self) { try S3Configuration(bucket: "A_b", credentials: credentials) }
        #expect(throws: S3Error.self) {
            try S3Configuration(bucket: "ok-bucket", prefix: "/x/", credentials: credentials)
        }
        #expect(throws: S3Error.self) {
            try S3Configuration(bucket: "ok-bucket", credentials: credentials, partSize: 5 * 1024 * 1024 - 1)
        }
        #expect(throws: S3Error.self) {
            try S3Configuration(bucket: "ok-bucket", endpoint: "ftp://127.0.0.1", credentials: credentials)
        }
        #expect(throws: S3Error.self) {
            try S3Configuration(bucket: "ok-bucket", credentials: .init(accessKeyId: "", secretAccessKey: "x"))
        }
    }

    @Test("server-side encryption headers")
    func encryption() {
        #expect(S3Configuration.ServerSideEncryption.none.headers.isEmpty)
        #expect(S3Configuration.ServerSideEncryption.aes256.headers.map(\.value) == ["AES256"])
        let kms = S3Configuration.ServerSideEncryption.kms(keyId: "key-1").headers
        #expect(kms.map(\.name) == ["x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"])
        #expect(kms.map(\.value) == ["aws:kms", "key-1"])
        #expect(S3Configuration.ServerSideEncryption.kms(keyId: nil).headers.count == 1)
    }

    @Test("credentials from the environment")
    func environment() {
        let environment = ["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK", "AWS_SESSION_TOKEN": "T"]
        #expect(
            S3Configuration.credentials(fromEnvironment: environment)
                == .init(accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "T"))
        #expect(S3Configuration.credentials(fromEnvironment: ["AWS_ACCESS_KEY_ID": "AK"]) == nil)
        #expect(
            S3Configuration.credentials(
                fromEnvironment: ["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK", "AWS_SESSION_TOKEN": ""])?
                .sessionToken == nil)
    }

    @Test("S3's XML: UploadId, ETag, error code, completion document")
    func documents() {
        let created = Data(
            "<InitiateMultipartUploadResult><UploadId>a+b/c=</UploadId></InitiateMultipartUploadResult>".utf8)
        #expect(S3Client.element("UploadId", in: created) == "a+b/c=")
        let error = Data(
            """
            <?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>AKID</AWSAccessKeyId>\
            <StringToSign>AWS4-HMAC-SHA256...</StringToSign></Error>
            """.utf8)
        #expect(S3Client.errorCode(in: error) == "SignatureDoesNotMatch")
        #expect(S3Client.errorCode(in: Data("<Error><Code>a b<c</Code></Error>".utf8)) == nil)
        #expect(S3Client.element("ETag", in: Data("<R><ETag>&quot;x-2&quot;</ETag></R>".utf8)) == "\"x-2\"")
        #expect(
            S3Client.completionDocument([(1, "\"a\""), (2, "\"b\"")]) == """
                <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <Part><PartNumber>1</PartNumber><ETag>"a"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"b"</ETag>\
                </Part></CompleteMultipartUpload>
                """)
    }

    @Test("errors name the call, the status and the code, never a credential")
    func errorDescription() {
        let error = S3Error.rejected(operation: "PutObject", status: 403, code: "InvalidAccessKeyId")
        #expect(error.description == "S3 PutObject answered 403 InvalidAccessKeyId")
    }

    @Test("the store refuses ids and locations it could not have written, before any call")
    func refusals() async throws {
        let configuration = try S3Configuration(
            bucket: "results", endpoint: "http://127.0.0.1:9", credentials: credentials, timeout: 1)
        let store = try S3ResultsStore(client: S3Client(configuration: configuration, httpClient: .shared))
        for location in [
            "s3://other/mparticle-results/a.zip", "s3://results/other/a.zip", "s3://results/mparticle-results/a",
            "s3://results/mparticle-results/x/../a.zip", "s3://results/mparticle-results/.zip",
            "file:///tmp/mparticle-results/a.zip", "s3://results/mparticle-results/a/b.zip",
        ] {
            await #expect(throws: ResultsStoreError.self, "\(location)") { try await store.delete(location: location) }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("s3-refusal-\(UUID()).zip")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect(throws: ResultsStoreError.self) { try await store.save(file, subjectRequestId: "../a") }
    }
}
