import AsyncHTTPClient
import Crypto
import DSRCore
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A results archive written to disk.
package struct DownloadedResults: Sendable, Equatable {
    package var bytes: Int
    /// Lowercase hex SHA-256 of the archive.
    package var sha256: String
}

extension OpenDSRClient {
    /// Whether `url` is under this processor's base URL: results are only fetched from there, with our credentials.
    package func isProcessorURL(_ url: String) -> Bool {
        url.hasPrefix(configuration.baseURL + "/")
    }

    /// Streams the archive at `url` (with the workspace credentials) into `file`, hashing as it goes and stopping
    /// at `maxBytes`. 404 means the processor found no data; 410 that the link expired.
    package func downloadResults(
        from url: String, to file: URL, maxBytes: Int, logger: Logger
    ) async -> ProcessorOutcome<DownloadedResults> {
        guard isProcessorURL(url) else { return .rejected(status: 0, message: "results_url outside the processor") }
        return await paced("download") { await stream(from: url, to: file, maxBytes: maxBytes, logger: logger) }
    }

    private func stream(
        from url: String, to file: URL, maxBytes: Int, logger: Logger
    ) async -> ProcessorOutcome<DownloadedResults> {
        var prepared = HTTPClientRequest(url: url)
        prepared.headers.add(name: "Authorization", value: configuration.basicAuthorization)
        let request = prepared
        let configuration = configuration
        let now = pacer.now
        do {
            // An archive takes longer than a JSON answer: six per-call timeouts plus a second per MiB of the cap, for
            // the whole download, so a processor that drips its answer cannot hold a download slot for ever.
            let limit = configuration.timeout * 6 + Double(maxBytes) / 1_048_576
            return try await withTimeLimit(.milliseconds(Int64(limit * 1000))) { [httpClient] in
                let response = try await httpClient.execute(
                    request, timeout: .milliseconds(Int64(configuration.timeout * 6000)))
                guard response.status == .ok else {
                    let body = try await response.body.collect(upTo: configuration.maxResponseBytes)
                    return Self.failure(
                        status: Int(response.status.code), headers: response.headers, body: body, now: now,
                        logger: logger)
                }
                return try await Self.write(response.body, to: file, maxBytes: maxBytes)
            }
        } catch {
            logger.warning("results download failed", metadata: ["error.type": "\(type(of: error))"])
            return .unavailable(reason: "\(type(of: error))")
        }
    }

    /// Streams `body` into `file`, hashing as it goes and stopping at `maxBytes`.
    private static func write(
        _ body: HTTPClientResponse.Body, to file: URL, maxBytes: Int
    ) async throws -> ProcessorOutcome<DownloadedResults> {
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else {
            return .unavailable(reason: "cannot create the results file")
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes = 0
        for try await chunk in body {
            bytes += chunk.readableBytes
            guard bytes <= maxBytes else {
                return .rejected(status: 200, message: "results archive larger than \(maxBytes) bytes")
            }
            let data = Data(buffer: chunk)
            hasher.update(data: data)
            try handle.write(contentsOf: data)
        }
        try handle.synchronize()
        let digest = hasher.finalize().hexString
        return .success(DownloadedResults(bytes: bytes, sha256: digest))
    }
}
