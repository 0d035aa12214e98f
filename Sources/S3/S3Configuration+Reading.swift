import Foundation
import Settings

extension S3Configuration {
    /// Reads `results.s3.*`: nil (archives stay in `results.directory`) unless `results.s3.bucket` is set. Credentials
    /// come from the section, else from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` in
    /// `environment`.
    package static func read(_ section: ConfigurationSection, environment: [String: String]) -> S3Configuration? {
        let bucket = section.optionalString(
            "bucket",
            "an S3 bucket for access results instead of `results.directory`: Baton's `resultLocations` are "
                + "then `s3://bucket/key`, as the original Lambda's were")
        let prefix = section.string("prefix", default: defaultPrefix, "the key prefix of every archive")
        let region = section.string("region", default: "us-east-1", "the bucket's region")
        let endpoint = section.optionalString(
            "endpoint", shown: "AWS", "an S3-compatible server's base URL (addressed path-style)")
        let keyId = section.optionalString(
            "access_key_id", secret: true, shown: "`AWS_ACCESS_KEY_ID`", "access key id")
        let secret = section.optionalString(
            "secret_access_key", secret: true, shown: "`AWS_SECRET_ACCESS_KEY`", "secret access key")
        let token = section.optionalString(
            "session_token", secret: true, shown: "`AWS_SESSION_TOKEN`", "session token of temporary credentials")
        let encryption = section.string(
            "server_side_encryption", default: "AES256",
            "server-side encryption of every archive: `AES256` (SSE-S3), `aws:kms` or `none`")
        let kmsKeyId = section.optionalString(
            "kms_key_id", shown: "the bucket's default", "the KMS key for `aws:kms`")
        guard let bucket else { return nil }
        let sse: ServerSideEncryption
        switch encryption {
        case "AES256": sse = .aes256
        case "aws:kms": sse = .kms(keyId: kmsKeyId)
        case "none": sse = .none
        default:
            section.problem("server_side_encryption", "must be AES256, aws:kms or none")
            return nil
        }
        let credentials =
            keyId.flatMap { id in
                secret.map { AWSSigV4.Credentials(accessKeyId: id, secretAccessKey: $0, sessionToken: token) }
            } ?? Self.credentials(fromEnvironment: environment)
        guard let credentials else {
            section.problem(
                "access_key_id",
                "and results.s3.secret_access_key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) "
                    + "are required with results.s3.bucket")
            return nil
        }
        do {
            return try S3Configuration(
                bucket: bucket, prefix: prefix, region: region, endpoint: endpoint, credentials: credentials,
                serverSideEncryption: sse)
        } catch {
            section.problem("bucket", "and its settings are refused: \(error)")
            return nil
        }
    }
}
