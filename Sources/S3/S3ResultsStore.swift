import Persistence
import Foundation

/// Stores results archives as S3 objects `<prefix><subject_request_id>.zip` and reports them as
/// `s3://<bucket>/<key>`, the locations Baton reads. An object is written whole (a single PUT, or a multipart upload
/// that is completed or aborted) or not at all.
package struct S3ResultsStore: ResultsStore {
    package let client: S3Client
    /// A 0700 directory of this process's own under the temporary directory (a random name, so no other user can
    /// have made it first).
    package let stagingDirectory: URL

    package init(client: S3Client) throws {
        self.client = client
        stagingDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dsr-gateway-staging-\(UUID().uuidString.lowercased())", isDirectory: true)
        try PrivateFiles.createDirectory(stagingDirectory)
    }

    package func save(_ file: URL, subjectRequestId: String) async throws -> String {
        guard Self.isSafeId(subjectRequestId) else {
            throw ResultsStoreError(message: "subject_request_id is not usable in an object key")
        }
        let configuration = client.configuration
        let key = configuration.key(forSubjectRequestId: subjectRequestId)
        let size: Int
        do {
            size = try (FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw S3Error.file("cannot read the archive")
        }
        if size <= configuration.partSize {
            let body: Data
            do { body = try Data(contentsOf: file) } catch { throw S3Error.file("cannot read the archive") }
            try await client.putObject(key: key, body: body)
        } else {
            try await client.uploadFile(file, key: key)
        }
        return configuration.location(ofKey: key)
    }

    /// Refuses a location outside this store's bucket and prefix, or one it could not have written.
    package func delete(location: String) async throws {
        let configuration = client.configuration
        let base = configuration.location(ofKey: configuration.prefix)
        guard location.hasPrefix(base) else { throw ResultsStoreError(message: "not a location of this store") }
        let name = location.dropFirst(base.count)
        guard name.hasSuffix(".zip"), Self.isSafeId(String(name.dropLast(4))) else {
            throw ResultsStoreError(message: "not a location of this store")
        }
        try await client.deleteObject(key: configuration.prefix + name)
    }

    /// Ids are UUIDs; anything that could leave the prefix or need escaping in a location is refused.
    static func isSafeId(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 200 && id != "." && id != ".."
            && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }
}
