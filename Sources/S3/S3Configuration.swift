import Foundation

/// Where results archives go in S3 (or an S3-compatible store) and how to reach it.
package struct S3Configuration: Sendable, Equatable {
    /// Server-side encryption asked for on every object written.
    package enum ServerSideEncryption: Sendable, Equatable {
        case none
        /// SSE-S3: keys managed by S3.
        case aes256
        /// SSE-KMS, with the bucket's or account's default key when `keyId` is nil.
        case kms(keyId: String?)

        /// The `x-amz-server-side-encryption*` headers for a PutObject or CreateMultipartUpload.
        package var headers: [(name: String, value: String)] {
            switch self {
            case .none: []
            case .aes256: [("x-amz-server-side-encryption", "AES256")]
            case .kms(let keyId):
                [("x-amz-server-side-encryption", "aws:kms")]
                    + (keyId.map { [("x-amz-server-side-encryption-aws-kms-key-id", $0)] } ?? [])
            }
        }
    }

    /// S3's smallest part for all but the last part of a multipart upload.
    package static let minimumPartSize = 5 * 1024 * 1024
    /// The key prefix the original Lambda wrote under.
    package static let defaultPrefix = "mparticle-results/"

    package var bucket: String
    /// Prepended to every key; empty, or ending in `/` by convention.
    package var prefix: String
    package var region: String
    /// Nil for AWS (`https://<bucket>.s3.<region>.amazonaws.com`, virtual-hosted style); otherwise the base URL of
    /// an S3-compatible server, such as `http://127.0.0.1:9000`, addressed path style (`<endpoint>/<bucket>/<key>`).
    package var endpoint: String?
    package var credentials: AWSSigV4.Credentials
    package var serverSideEncryption: ServerSideEncryption
    /// Bytes per part of a multipart upload; files no larger than one part are sent in a single PUT.
    package var partSize: Int
    /// Seconds allowed for one call without a body; a call that sends a body gets a second more per MiB.
    package var timeout: TimeInterval
    /// The most bytes of an answer read (error documents and XML results are small).
    package var maxResponseBytes: Int

    /// Checks what S3 would refuse later: an invalid bucket name, a part under 5 MiB, an endpoint that is not an
    /// http(s) URL, a prefix starting with `/`.
    package init(
        bucket: String, prefix: String = S3Configuration.defaultPrefix, region: String = "us-east-1",
        endpoint: String? = nil, credentials: AWSSigV4.Credentials, serverSideEncryption: ServerSideEncryption = .none,
        partSize: Int = 8 * 1024 * 1024, timeout: TimeInterval = 30, maxResponseBytes: Int = 1024 * 1024
    ) throws(S3Error) {
        guard Self.isValidBucketName(bucket) else { throw .invalidArgument("invalid bucket name") }
        guard !prefix.hasPrefix("/") else { throw .invalidArgument("the key prefix must not start with /") }
        guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw .invalidArgument("invalid region")
        }
        guard partSize >= Self.minimumPartSize else { throw .invalidArgument("part size below 5 MiB") }
        guard timeout > 0, maxResponseBytes > 0 else { throw .invalidArgument("timeout and limits must be positive") }
        var base: String?
        if let endpoint {
            let trimmed = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            guard let url = URL(string: trimmed), url.scheme == "http" || url.scheme == "https", url.host != nil,
                url.query == nil
            else { throw .invalidArgument("the endpoint must be an http or https URL") }
            base = trimmed
        }
        guard !credentials.accessKeyId.isEmpty, !credentials.secretAccessKey.isEmpty else {
            throw .invalidArgument("credentials are missing")
        }
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.endpoint = base
        self.credentials = credentials
        self.serverSideEncryption = serverSideEncryption
        self.partSize = partSize
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, or nil when either
    /// of the first two is missing or empty.
    package static func credentials(fromEnvironment environment: [String: String]) -> AWSSigV4.Credentials? {
        guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSSigV4.Credentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token)
    }

    /// The URL, `Host` header and signed path of `key` (empty for the bucket itself).
    package func address(of key: String) -> (url: String, host: String, path: String) {
        let encodedKey = AWSSigV4.uriEncode(key, keepingSlash: true)
        if let endpoint, let url = URL(string: endpoint), let host = url.host {
            let basePath = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
            let path = AWSSigV4.uriEncode(basePath, keepingSlash: true) + "/\(bucket)/" + encodedKey
            let authority = url.port.map { "\(host):\($0)" } ?? host
            return ("\(url.scheme!)://\(authority)\(path)", authority, path)
        }
        // AWS's certificate covers one label before `.s3.`: a bucket name with dots is addressed path style.
        if bucket.contains(".") {
            let host = "s3.\(region).amazonaws.com"
            return ("https://\(host)/\(bucket)/\(encodedKey)", host, "/\(bucket)/\(encodedKey)")
        }
        let host = "\(bucket).s3.\(region).amazonaws.com"
        return ("https://\(host)/\(encodedKey)", host, "/\(encodedKey)")
    }

    /// The key a request's archive is stored under.
    package func key(forSubjectRequestId id: String) -> String {
        "\(prefix)\(id).zip"
    }

    /// `s3://<bucket>/<key>`, the form Baton reads.
    package func location(ofKey key: String) -> String {
        "s3://\(bucket)/\(key)"
    }

    /// S3's rules for new buckets: 3–63 characters of `a-z 0-9 . -`, starting and ending with a letter or digit.
    static func isValidBucketName(_ name: String) -> Bool {
        guard (3...63).contains(name.count), let first = name.first, let last = name.last else { return false }
        let allowed = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
        return allowed && (first.isLetter || first.isNumber) && (last.isLetter || last.isNumber)
            && !name.contains("..")
    }
}
