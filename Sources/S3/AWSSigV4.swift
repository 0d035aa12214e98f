import Crypto
import DSRCore
import Foundation

/// AWS Signature Version 4 in the `Authorization` header, written from AWS's specification and checked against its
/// published test vectors. The time is always passed in; nothing here reads the clock.
package struct AWSSigV4: Sendable {
    /// An access key, with the session token of temporary credentials. Its description never shows the secret.
    package struct Credentials: Sendable, Equatable, CustomStringConvertible {
        package var accessKeyId: String
        package var secretAccessKey: String
        package var sessionToken: String?

        package init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }

        package var description: String {
            let token = sessionToken == nil ? "" : ", sessionToken: <redacted>"
            return "Credentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>\(token))"
        }
    }

    /// The rules that differ between S3 and the other services.
    package struct Options: Sendable, Equatable {
        /// Remove `.` and `..` segments and repeated slashes from the path before signing (not for S3).
        package var normalizesPath: Bool
        /// Percent-encode the already encoded path once more, so `%` becomes `%25` (not for S3).
        package var encodesPathAgain: Bool
        /// Send and sign `x-amz-content-sha256` carrying the payload hash (S3 requires it).
        package var signsContentSHA256: Bool
        /// Sign `x-amz-security-token`; when false it is added after signing (a few services want that).
        package var signsSessionToken: Bool

        package init(normalizesPath: Bool, encodesPathAgain: Bool, signsContentSHA256: Bool, signsSessionToken: Bool) {
            self.normalizesPath = normalizesPath
            self.encodesPathAgain = encodesPathAgain
            self.signsContentSHA256 = signsContentSHA256
            self.signsSessionToken = signsSessionToken
        }

        /// S3: the path is signed exactly as sent, and `x-amz-content-sha256` is signed.
        package static let s3 = Options(
            normalizesPath: false, encodesPathAgain: false, signsContentSHA256: true, signsSessionToken: true)
        /// Every other service: the path is normalised and encoded again.
        package static let standard = Options(
            normalizesPath: true, encodesPathAgain: true, signsContentSHA256: false, signsSessionToken: true)
    }

    /// What is signed: the method, the path as sent (percent-encoded once), the query names and values unencoded,
    /// the headers to sign (`host` among them) and the payload's hash.
    package struct Request: Sendable {
        package var method: String
        package var path: String
        package var query: [(name: String, value: String)]
        package var headers: [(name: String, value: String)]
        package var payloadHash: String

        package init(
            method: String, path: String, query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)], payloadHash: String
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// A signed request: the headers to add to it (`Authorization` last) and every intermediate, for tests.
    package struct Signed: Sendable {
        package var headers: [(name: String, value: String)]
        package var canonicalRequest: String
        package var stringToSign: String
        package var signedHeaders: String
        package var signature: String
        package var authorization: String
    }

    /// The hash S3 expects for a payload that is not signed.
    package static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// Hex SHA-256 of no bytes.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    package var credentials: Credentials
    package var region: String
    package var service: String
    package var options: Options

    package init(credentials: Credentials, region: String, service: String, options: Options) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Signs `request` as of `date`; the headers returned (`x-amz-date`, `x-amz-content-sha256` and
    /// `x-amz-security-token` as the options say, then `Authorization`) must be sent with it.
    package func sign(_ request: Request, at date: Date) -> Signed {
        let (amzDate, day) = Self.timestamps(date)
        var added: [(name: String, value: String)] = [("x-amz-date", amzDate)]
        if options.signsContentSHA256 {
            added.append(("x-amz-content-sha256", request.payloadHash))
        }
        var unsigned: [(name: String, value: String)] = []
        if let token = credentials.sessionToken {
            if options.signsSessionToken {
                added.append(("x-amz-security-token", token))
            } else {
                unsigned.append(("x-amz-security-token", token))
            }
        }
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(request.headers + added)
        let canonicalRequest = [
            request.method, canonicalPath(request.path), Self.canonicalQuery(request.query), canonicalHeaders,
            signedHeaders, request.payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let signature = Self.hex(
            HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: day)))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), "
            + "Signature=\(signature)"
        return Signed(
            headers: added + unsigned + [("Authorization", authorization)], canonicalRequest: canonicalRequest,
            stringToSign: stringToSign, signedHeaders: signedHeaders, signature: signature,
            authorization: authorization)
    }

    /// `HMAC("AWS4" + secret, day)` → region → service → `aws4_request`.
    package func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// The canonical URI: as sent for S3; otherwise normalised and encoded again, as the options say.
    package func canonicalPath(_ path: String) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizesPath {
            path = Self.normalized(path)
        }
        return options.encodesPathAgain ? Self.uriEncode(path, keepingSlash: true) : path
    }

    /// The query sorted by encoded name, then encoded value, each encoded with SigV4's rules.
    package static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        // Encoded names and values are ASCII, so comparing strings compares their bytes.
        let encoded: [(name: String, value: String)] = query.map { (uriEncode($0.name), uriEncode($0.value)) }
        let sorted = encoded.sorted { (a, b) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Lowercased names, sorted; values trimmed with inner runs of spaces collapsed; repeated names joined by `,`.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (String, String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased(), default: []].append(trimmed(value))
        }
        let names = values.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let lines = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (lines, names.joined(separator: ";"))
    }

    private static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// RFC 3986 encoding as SigV4 defines it: only `A-Z a-z 0-9 - _ . ~` (and `/` in a path) stay as they are.
    package static func uriEncode(_ string: String, keepingSlash: Bool = false) -> String {
        var encoded = ""
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepingSlash:
                encoded.append("/")
            default:
                encoded += "%" + [byte].hexString.uppercased()
            }
        }
        return encoded
    }

    /// Removes `.` and `..` segments and empty segments, keeping a trailing slash.
    private static func normalized(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        let joined = "/" + segments.joined(separator: "/")
        return path.hasSuffix("/") && joined != "/" ? joined + "/" : joined
    }

    /// `yyyyMMdd'T'HHmmss'Z'` and `yyyyMMdd` in UTC.
    static func timestamps(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
        return (day + String(format: "T%02d%02d%02dZ", parts.hour!, parts.minute!, parts.second!), day)
    }

    /// Lowercase hex of a digest or MAC.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.hexString
    }
}
