import BackgroundWork
import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence

extension ResultsWorker {
    /// Fetches every archive that is due now.
    package func downloadDue() async throws {
        let now = clock.now
        let due = try await store.claimAwaitingResults(
            at: now, leaseUntil: now.addingTimeInterval(Self.downloadLease), limit: 16)
        for request in due {
            do {
                try await download(request)
            } catch {
                // A failed save or write must not stall the queue on this one request.
                try await scheduleRetry(request.id, reason: "storing the results failed (\(type(of: error)))")
            }
        }
    }

    private func download(_ request: DSRRequest) async throws {
        var logger = logger
        logger[metadataKey: "dsr.id"] = "\(request.subjectRequestId)"
        guard let url = request.processor.resultsURL, client.isProcessorURL(url) else {
            return try await record(
                request.id, event: .resultsRefused,
                detail: "results_url is not under the processor's base URL; not followed"
            ) { $0.results.status = .refused }
        }
        // Staged where the results store says (a 0700 directory), not in the shared temporary directory: subject data.
        let temporary = results.stagingDirectory.appendingPathComponent(
            ".download-\(UUID().uuidString.lowercased()).part")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let outcome = await client.downloadResults(
            from: url, to: temporary, maxBytes: configuration.maxBytes, logger: logger)
        switch outcome {
        case .success(let downloaded):
            let location = try await results.save(temporary, subjectRequestId: request.subjectRequestId)
            let at = clock.now
            try await record(
                request.id, event: .resultsStored, detail: "\(downloaded.bytes) bytes, sha256 \(downloaded.sha256)"
            ) {
                $0.results.location = location
                $0.results.status = .stored
                $0.results.storedAt = at
            }
            logger.info("results stored", metadata: ["results.bytes": "\(downloaded.bytes)"])
        case .notFound:
            try await record(
                request.id, event: .resultsEmpty, detail: "the processor found no data for this subject (404)"
            ) { $0.results.status = .noData }
        case .gone:
            try await refreshExpiredLink(request, logger: logger)
        case .held(_, let retryAfter):
            // Not the download's fault: wait as the pacer says, without spending the budget.
            try await store.setNextAttempt(id: request.id, at: clock.now.addingTimeInterval(retryAfter))
        case .rateLimited(let retryAfter):
            // Nor is a 429, with or without Retry-After: the pacer pauses every call as long.
            try await store.setNextAttempt(
                id: request.id, at: clock.now.addingTimeInterval(retryAfter ?? WorkspaceLimits.defaultPause))
        case .rejected, .unauthorized:
            try await giveUp(request.id, reason: outcome.summary)
        default:
            try await scheduleRetry(request.id, reason: outcome.summary)
        }
    }

    /// A 410: ask the processor for a fresh link (a different one, within the retry budget, so a processor that
    /// keeps handing out dead links cannot keep us looping); without one the results are lost for good.
    private func refreshExpiredLink(_ request: DSRRequest, logger: Logger) async throws {
        let reply =
            request.results.attempts < configuration.retry.maxAttempts
            ? await client.status(subjectRequestId: request.processorRequestId, logger: logger) : nil
        if case .success(let status) = reply?.outcome, let fresh = status.resultsUrl,
            fresh != request.processor.resultsURL
        {
            return try await record(
                request.id, event: .resultsLinkRefreshed, detail: "the link expired (410); a new one was issued",
                answer: reply?.exchange
            ) {
                $0.processor.resultsURL = fresh
                $0.results.attempts += 1
            }
        }
        try await record(
            request.id, event: .resultsExpired,
            detail: "the results link expired (410) and the processor gave no new one"
        ) { $0.results.status = .expired }
    }

    private func giveUp(_ id: UUID, reason: String) async throws {
        try await record(id, event: .resultsFailed, detail: "\(reason); not retried") { $0.results.status = .failed }
    }

    private func scheduleRetry(_ id: UUID, reason: String) async throws {
        let retry = configuration.retry
        let at = clock.now
        try await store.update(id: id) { request in
            request.results.attempts += 1
            guard request.results.attempts < retry.maxAttempts else {
                request.results.status = .failed
                request.updatedAt = at
                return [
                    AuditEntry(
                        at: at, actor: .downloader, event: .resultsFailed,
                        detail: "\(reason); gave up after \(request.results.attempts) attempts")
                ]
            }
            return request.scheduleRetry(
                after: retry.delay(afterAttempt: request.results.attempts), reason: reason,
                event: .resultsRetryScheduled, actor: .downloader, at: at)
        }
    }
}
