import Crypto
import Foundation
import Testing

@testable import S3

/// One case of `Vectors/`: AWS's SigV4 test suite (as aws-c-auth ships it) or an example of AWS's S3 signing page.
struct SigningVector: CustomTestStringConvertible, Sendable {
    /// `context.json`, with aws-c-auth's keys.
    struct Context: Decodable, Sendable {
        struct Credentials: Decodable, Sendable {
            var accessKeyId: String
            var secretAccessKey: String
            var token: String?
        }

        var credentials: Credentials
        var normalize: Bool?
        var region: String
        var service: String
        var timestamp: String
        var signBody: Bool?
        var signedBodyValue: String?
        var omitSessionToken: Bool?
    }

    var name: String
    var context: Context
    var method: String
    /// The path as `request.txt` writes it: unencoded for the suite's cases, as sent for S3's.
    var path: String
    var query: [(name: String, value: String)]
    var headers: [(name: String, value: String)]
    var body: String
    var canonicalRequest: String
    var stringToSign: String
    var signature: String
    /// The `Authorization` header of `header-signed-request.txt`.
    var authorization: String

    var testDescription: String { name }

    static let directory = Bundle.module.url(forResource: "Vectors", withExtension: nil)!

    /// Every case, by folder name.
    static let names: [String] = {
        let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        return (names ?? []).filter { !$0.hasSuffix(".md") }.sorted()
    }()

    static func load(_ name: String) throws -> SigningVector {
        let folder = directory.appendingPathComponent(name)
        func read(_ file: String) throws -> String {
            try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let context = try decoder.decode(Context.self, from: Data(try read("context.json").utf8))

        let request = try read("request.txt")
        let (head, body) = split(request)
        var lines = head.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        let path = String(target.prefix { $0 != "?" })
        var query: [(name: String, value: String)] = []
        if target.count > path.count {
            for item in target.dropFirst(path.count + 1).split(separator: "&") {
                let name = String(item.prefix { $0 != "=" })
                let value = String(item.dropFirst(name.count + 1))
                query.append((name.removingPercentEncoding ?? name, value.removingPercentEncoding ?? value))
            }
        }
        let headers = lines.filter { !$0.isEmpty }.map { line in
            let name = String(line.prefix { $0 != ":" })
            return (name: name, value: String(line.dropFirst(name.count + 1)))
        }
        let signedRequest = try read("header-signed-request.txt")
        let authorization =
            signedRequest.components(separatedBy: "\n")
            .first { $0.lowercased().hasPrefix("authorization:") }
            .map { String($0.dropFirst("authorization:".count)) } ?? ""
        return SigningVector(
            name: name, context: context, method: method, path: path, query: query, headers: headers, body: body,
            canonicalRequest: try read("header-canonical-request.txt"),
            stringToSign: try read("header-string-to-sign.txt"),
            signature: try read("header-signature.txt"), authorization: authorization)
    }

    private static func split(_ request: String) -> (String, String) {
        guard let blank = request.range(of: "\n\n") else { return (request, "") }
        return (String(request[..<blank.lowerBound]), String(request[blank.upperBound...]))
    }

    var isS3: Bool { context.service == "s3" }

    var date: Date {
        get throws { try Date(context.timestamp, strategy: .iso8601) }
    }

    var credentials: AWSSigV4.Credentials {
        AWSSigV4.Credentials(
            accessKeyId: context.credentials.accessKeyId, secretAccessKey: context.credentials.secretAccessKey,
            sessionToken: context.credentials.token)
    }

    /// The options the case was made with: S3's for S3's examples, else the suite's (normalised unless it says not).
    var options: AWSSigV4.Options {
        if isS3 { return .s3 }
        return AWSSigV4.Options(
            normalizesPath: context.normalize ?? true, encodesPathAgain: true,
            signsContentSHA256: context.signBody ?? false, signsSessionToken: !(context.omitSessionToken ?? false))
    }

    var payloadHash: String {
        context.signedBodyValue ?? AWSSigV4.hex(SHA256.hash(data: Data(body.utf8)))
    }

    func sign(options: AWSSigV4.Options, path: String) throws -> AWSSigV4.Signed {
        let signer = AWSSigV4(
            credentials: credentials, region: context.region, service: context.service, options: options)
        let request = AWSSigV4.Request(
            method: method, path: path, query: query, headers: headers, payloadHash: payloadHash)
        return signer.sign(request, at: try date)
    }
}

@Suite("SigV4 against AWS's published vectors")
struct SigV4VectorTests {
    @Test("all vectors are present")
    func vectorsArePresent() {
        #expect(SigningVector.names.count == 22)
    }

    @Test("canonical request, string to sign, signature and Authorization", arguments: SigningVector.names)
    func vector(_ name: String) throws {
        let vector = try SigningVector.load(name)
        let signed = try vector.sign(options: vector.options, path: vector.path)
        #expect(signed.canonicalRequest == vector.canonicalRequest)
        #expect(signed.stringToSign == vector.stringToSign)
        #expect(signed.signature == vector.signature)
        #expect(signed.authorization == vector.authorization)
        #expect(signed.headers.last?.name == "Authorization")
        #expect(signed.headers.contains { $0.name == "x-amz-date" })
        if let token = vector.context.credentials.token {
            #expect(signed.headers.contains { $0 == ("x-amz-security-token", token) })
            #expect(
                signed.signedHeaders.contains("x-amz-security-token") == !(vector.context.omitSessionToken ?? false))
        }
        if vector.isS3 {
            #expect(signed.headers.contains { $0 == ("x-amz-content-sha256", vector.payloadHash) })
        }
    }

    /// The suite's cases whose path holds no `%` and no dot segment sign the same under S3's rules once their path
    /// is percent-encoded as it would be sent.
    @Test(
        "suite cases sign the same in S3 mode",
        arguments: SigningVector.names.filter { !$0.hasPrefix("s3-") && $0 != "get-slash-dot-slash-normalized" })
    func s3Mode(_ name: String) throws {
        let vector = try SigningVector.load(name)
        var options = AWSSigV4.Options.s3
        options.signsContentSHA256 = vector.options.signsContentSHA256
        options.signsSessionToken = vector.options.signsSessionToken
        let signed = try vector.sign(options: options, path: AWSSigV4.uriEncode(vector.path, keepingSlash: true))
        #expect(signed.canonicalRequest == vector.canonicalRequest)
        #expect(signed.signature == vector.signature)
    }

    @Test("S3 mode neither normalises nor double-encodes the path")
    func s3PathIsSignedAsSent() throws {
        let normalized = try SigningVector.load("get-slash-dot-slash-normalized")
        let unnormalized = try SigningVector.load("get-slash-dot-slash-unnormalized")
        var options = AWSSigV4.Options.s3
        options.signsContentSHA256 = false
        let signed = try normalized.sign(options: options, path: normalized.path)
        #expect(signed.canonicalRequest.hasPrefix("GET\n/./\n"))
        #expect(signed.signature == unnormalized.signature)
        #expect(signed.signature != normalized.signature)

        let signer = AWSSigV4(credentials: normalized.credentials, region: "us-east-1", service: "s3", options: .s3)
        let encoded = AWSSigV4.Request(
            method: "GET", path: "/a%20b/c%2Bd", headers: [("Host", "h")], payloadHash: AWSSigV4.unsignedPayload)
        #expect(signer.sign(encoded, at: try normalized.date).canonicalRequest.hasPrefix("GET\n/a%20b/c%2Bd\n\n"))
        let standard = AWSSigV4(
            credentials: normalized.credentials, region: "us-east-1", service: "service", options: .standard)
        #expect(standard.canonicalPath("/a%20b/c%2Bd") == "/a%2520b/c%252Bd")
        #expect(standard.canonicalPath("//example//") == "/example/")
        #expect(standard.canonicalPath("/example1/example2/../..") == "/")
    }
}

@Suite("SigV4 details")
struct SigV4DetailTests {
    @Test("x-amz-date is the injected time in UTC")
    func timestamp() {
        let (amzDate, day) = AWSSigV4.timestamps(Date(timeIntervalSince1970: 1_440_938_160))
        #expect(amzDate == "20150830T123600Z")
        #expect(day == "20150830")
    }

    @Test("query names and values are encoded with SigV4's unreserved set and sorted by encoded name, then value")
    func query() {
        let query = AWSSigV4.canonicalQuery([("b", "x y"), ("a", "2"), ("a", "1+/="), ("uploads", "")])
        #expect(query == "a=1%2B%2F%3D&a=2&b=x%20y&uploads=")
    }

    @Test("header values are trimmed, inner spaces collapsed, repeats joined")
    func headers() {
        let (lines, names) = AWSSigV4.canonicalHeaders([("X-B", "  a   b  "), ("Host", "h"), ("x-b", "c")])
        #expect(lines == "host:h\nx-b:a b,c\n")
        #expect(names == "host;x-b")
    }

    @Test("a session token is sent and signed")
    func sessionToken() throws {
        let signer = AWSSigV4(
            credentials: .init(accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "TOKEN"), region: "eu-west-1",
            service: "s3", options: .s3)
        let signed = signer.sign(
            .init(
                method: "GET", path: "/k", headers: [("Host", "b.s3.eu-west-1.amazonaws.com")],
                payloadHash: AWSSigV4.emptyPayloadHash),
            at: Date(timeIntervalSince1970: 0))
        #expect(signed.signedHeaders == "host;x-amz-content-sha256;x-amz-date;x-amz-security-token")
        #expect(signed.headers.contains { $0 == ("x-amz-security-token", "TOKEN") })
        #expect(signed.authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AK/19700101/eu-west-1/s3/aws4_request, "))
    }

    @Test("credentials never print their secret")
    func redaction() {
        let credentials = AWSSigV4.Credentials(accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN")
        #expect(!"\(credentials)".contains("SECRET"))
        #expect(!"\(credentials)".contains("TOKEN"))
        #expect("\(credentials)".contains("AKID"))
    }
}
