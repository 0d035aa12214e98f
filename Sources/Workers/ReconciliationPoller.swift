import BackgroundWork
import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence
import RequestUseCases
import ServiceLifecycle

/// Callbacks are a hint, polling is the truth (a principle in docs/design.md): re-reads the processor's status of
/// requests in flight that have not moved for `staleAfter` — and, on start-up, of every request in flight whose next
/// re-read is due, whatever its age — and records what it says. Each request is then left alone for another
/// `staleAfter` (by every instance of a fleet), so polling stays a trickle beside submissions.
package struct ReconciliationPoller: Service {
    private let store: any RequestStore
    private let client: OpenDSRClient
    private let recorder: ProcessorReportRecorder
    private let configuration: ReconciliationConfiguration
    private let clock: any WallClock
    private let logger: Logger

    package init(
        store: any RequestStore, client: OpenDSRClient, configuration: ReconciliationConfiguration,
        clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.client = client
        self.recorder = ProcessorReportRecorder(store: store, clock: clock)
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        // Start-up: everything in flight that is due, whatever its age (callbacks may have been lost while we were down).
        var startup = true
        await repeatUntilShutdown(
            every: configuration.pollInterval, on: clock.timer, name: "reconciliation", logger: logger
        ) {
            // The sweep ends when nothing in flight is left to read; a read the pacer held back stays due.
            if try await pollDue(startup: startup) == 0 { startup = false }
            return false
        }
    }

    /// Claims and polls one page of due requests; returns how many were due. When the pacer holds a read back, the
    /// rest of the page is handed back at once: due again, for a later pass (or another instance).
    @discardableResult
    package func pollDue(startup: Bool = false) async throws -> Int {
        let now = clock.now
        let cutoff = startup ? now.addingTimeInterval(1) : now.addingTimeInterval(-configuration.staleAfter)
        let due = try await store.claimStale(
            notUpdatedSince: cutoff, dueAt: now, leaseUntil: now.addingTimeInterval(Self.lease),
            limit: configuration.batchSize)
        for (index, request) in due.enumerated() where try await !poll(request) {
            for held in due[index...] { try await store.setNextAttempt(id: held.id, at: now) }
            break
        }
        return due.count
    }

    /// Records what the processor said about `request`, with the `answer` that said it. A follower whose followed
    /// request was cancelled fails instead: this subject's request was not carried out, so it stays on the deadline
    /// watch and `RequestFailed` tells someone.
    private func apply(
        _ state: RequestState, fields: ProcessorFields, to request: DSRRequest, answer: ProcessorExchange?,
        logger: Logger
    ) async throws {
        if state == .cancelled, let followed = request.processor.follows {
            try await store.update(id: request.id, recording: answer) {
                $0.fail(
                    reason:
                        "the request it followed (\(followed.uuidString.lowercased())) was cancelled; not carried out",
                    actor: .poller, at: clock.now)
            }
            return
        }
        let recorded = try await recorder.record(
            state: state, fields: fields, for: request.id, actor: .poller, known: request, evidence: answer)
        if case .applied(let stored) = recorded {
            logger.notice(
                "poll found a change callbacks had not brought", metadata: ["dsr.state": "\(stored.state.rawValue)"])
        }
    }

    /// How long a claimed page is this instance's: far longer than a page of reads takes.
    static let lease: TimeInterval = 120

    /// Re-reads one request; false when the pacer held the read back (the rest of the page waits too).
    private func poll(_ request: DSRRequest) async throws -> Bool {
        var logger = logger
        logger[metadataKey: "dsr.id"] = "\(request.subjectRequestId)"
        // A request that follows another (the processor refused it as a duplicate of that one) is read under its id.
        let reply = await client.status(
            subjectRequestId: request.processorRequestId, priority: .background, logger: logger)
        let outcome = reply.outcome
        if case .held = outcome { return false }
        if case .success(let status) = outcome, let state = RequestState(processorStatus: status.requestStatus) {
            try await apply(state, fields: status.processorFields, to: request, answer: reply.exchange, logger: logger)
        } else {
            logger.warning("poll failed", metadata: ["dsr.outcome": "\(outcome.summary)"])
        }
        try await store.setNextAttempt(id: request.id, at: clock.now.addingTimeInterval(configuration.staleAfter))
        return true
    }
}

/// Settings of the reconciliation poller.
package struct ReconciliationConfiguration: Sendable {
    /// Poll a request in flight when it has not moved for more than this many seconds (mParticle batches callbacks
    /// every 15 minutes).
    package var staleAfter: TimeInterval
    /// Requests polled per pass (default 20).
    package var batchSize: Int
    /// Seconds between passes (default 1).
    package var pollInterval: TimeInterval

    package init(staleAfter: TimeInterval = 6 * 3600, batchSize: Int = 20, pollInterval: TimeInterval = 1) {
        self.staleAfter = staleAfter
        self.batchSize = batchSize
        self.pollInterval = pollInterval
    }
}
