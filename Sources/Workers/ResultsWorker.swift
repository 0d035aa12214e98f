import BackgroundWork
import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence
import ServiceLifecycle

/// Fetches the results archives of completed access/portability requests and deletes them after the retention
/// period. Only links under the processor's base URL are followed (with its credentials); size and SHA-256 go
/// in the audit trail. One loop handles one request at a time, so no archive is fetched twice at once.
package struct ResultsWorker: Service {
    let store: any RequestStore
    let results: any ResultsStore
    let client: OpenDSRClient
    let configuration: ResultsWorkerConfiguration
    let clock: any WallClock
    let logger: Logger

    package init(
        store: any RequestStore, results: any ResultsStore, client: OpenDSRClient,
        configuration: ResultsWorkerConfiguration, clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.results = results
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// How long a claimed download is this instance's: longer than the client lets a download take (six call
    /// timeouts plus a second per MiB of the size cap).
    static let downloadLease: TimeInterval = 15 * 60

    package func run() async throws {
        await repeatUntilShutdown(every: configuration.pollInterval, on: clock.timer, name: "results", logger: logger) {
            try await downloadDue()
            try await deleteExpired()
            return false
        }
    }

    /// Deletes archives stored longer than the retention period, recording each deletion.
    package func deleteExpired() async throws {
        let now = clock.now
        let due = try await store.claimStoredResults(
            before: now.addingTimeInterval(-configuration.retention), at: now, leaseUntil: now.addingTimeInterval(60),
            limit: 50)
        for request in due {
            if let location = request.results.location {
                do {
                    try await results.delete(location: location)
                } catch {
                    // One archive this store cannot delete (it moved stores, say) must not hold up the others: a person
                    // looks (the audit trail and the log say so), and it is tried again in a day.
                    logger.error("results deletion failed", metadata: ["error.type": "\(type(of: error))"])
                    try await record(
                        request.id, event: .resultsDeleteFailed, detail: "deleting the archive failed; retried daily"
                    ) { $0.nextAttemptAt = now.addingTimeInterval(86_400) }
                    continue
                }
            }
            let days = Int((configuration.retention / 86_400).rounded())
            try await record(request.id, event: .resultsDeleted, detail: "retention of \(days) days ended") {
                $0.results.status = .deleted
                $0.results.location = nil
            }
        }
    }

    /// Records a results event with its audit entry.
    func record(
        _ id: UUID, event: AuditEvent, detail: String, answer: ProcessorExchange? = nil,
        _ change: @escaping @Sendable (inout DSRRequest) -> Void
    ) async throws {
        let at = clock.now
        try await store.update(id: id, recording: answer) { request in
            change(&request)
            request.updatedAt = at
            return [AuditEntry(at: at, actor: .downloader, event: event, detail: detail)]
        }
    }
}
