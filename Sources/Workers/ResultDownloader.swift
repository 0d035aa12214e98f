import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence
import ServiceLifecycle

/// Downloads the results archive of completed access/portability requests into the results store, recording size
/// and SHA-256 in the audit trail. Only links under the processor's base URL are followed (with its credentials).
/// One loop downloads one request at a time, so a request is never downloaded twice at once.
package struct ResultDownloader: Service {
    private let store: any RequestStore
    private let results: FileResultsStore
    private let client: OpenDSRClient
    private let configuration: ResultDownloaderConfiguration
    private let clock: any WallClock
    private let logger: Logger

    package init(
        store: any RequestStore, results: FileResultsStore, client: OpenDSRClient,
        configuration: ResultDownloaderConfiguration, clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.results = results
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        let interval = Duration.milliseconds(Int64(configuration.pollInterval * 1000))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await downloadDue()
            } catch {
                logger.error("results pass failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Fetches every archive that is due now.
    package func downloadDue() async throws {
        for request in try await store.awaitingResults(at: clock.now, limit: 16) {
            try await download(request)
        }
    }

    private func download(_ request: DSRRequest) async throws {
        var logger = logger
        logger[metadataKey: "dsr.id"] = "\(request.subjectRequestId)"
        guard let url = request.processor.resultsURL, client.isProcessorURL(url) else {
            return try await decide(
                request.id, .refused, event: "results_refused",
                detail: "results_url is not under the processor's base URL; not followed")
        }
        let temporary = results.temporaryFile()
        let outcome = await client.downloadResults(
            from: url, to: temporary, maxBytes: configuration.maxBytes, logger: logger)
        switch outcome {
        case .success(let downloaded):
            let location = try results.commit(temporary, subjectRequestId: request.subjectRequestId)
            try await store.update(id: request.id) { stored in
                stored.resultLocation = location
                stored.resultsStatus = .stored
                stored.updatedAt = clock.now
                return [
                    AuditEntry(
                        at: clock.now, actor: .downloader, event: "results_stored",
                        detail: "\(downloaded.bytes) bytes, sha256 \(downloaded.sha256)")
                ]
            }
            logger.info("results stored", metadata: ["results.bytes": "\(downloaded.bytes)"])
        case .notFound:
            results.discard(temporary)
            try await decide(
                request.id, .noData, event: "results_empty",
                detail: "the processor found no data for this subject (404)")
        default:
            results.discard(temporary)
            try await scheduleRetry(request.id, reason: outcome.summary)
        }
    }

    private func decide(_ id: UUID, _ status: ResultsStatus, event: String, detail: String) async throws {
        try await store.update(id: id) { stored in
            stored.resultsStatus = status
            stored.updatedAt = clock.now
            return [AuditEntry(at: clock.now, actor: .downloader, event: event, detail: detail)]
        }
    }

    private func scheduleRetry(_ id: UUID, reason: String) async throws {
        let retry = configuration.retry
        try await store.update(id: id) { stored in
            stored.resultAttempts += 1
            let delay = retry.delay(afterAttempt: stored.resultAttempts)
            stored.nextAttemptAt = clock.now.addingTimeInterval(delay)
            stored.lastError = reason
            stored.updatedAt = clock.now
            return [
                AuditEntry(
                    at: clock.now, actor: .downloader, event: "results_retry_scheduled",
                    detail: "\(reason); next attempt in \(Int(delay.rounded())) s")
            ]
        }
    }
}

/// Settings of the results downloader.
package struct ResultDownloaderConfiguration: Sendable {
    /// Where archives are stored (key `results.directory`, default `results`).
    package var directory: String
    /// Largest archive accepted, in bytes (key `results.max_bytes`, default 512 MiB).
    package var maxBytes: Int
    /// Seconds between scans (default 1).
    package var pollInterval: TimeInterval
    /// Backoff for failed downloads.
    package var retry: RetryPolicy

    package init(
        directory: String = "results", maxBytes: Int = 512 << 20, pollInterval: TimeInterval = 1,
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.pollInterval = pollInterval
        self.retry = retry
    }
}
