import BackgroundWork
import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence
import ServiceLifecycle

/// Sends the Events API "erasure requested" user attributes for each erasure (so mParticle audiences drop the
/// user during the waiting period). A failure never blocks the erasure itself: it is retried here with backoff,
/// and every attempt's outcome is in the audit trail.
package struct ErasureAttributesSender: Service {
    private let store: any RequestStore
    private let client: EventsClient
    private let environment: EventBatch.Environment
    private let retry: RetryPolicy
    private let pollInterval: TimeInterval
    private let clock: any WallClock
    private let logger: Logger

    package init(
        store: any RequestStore, client: EventsClient, environment: EventBatch.Environment, retry: RetryPolicy,
        pollInterval: TimeInterval, clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.client = client
        self.environment = environment
        self.retry = retry
        self.pollInterval = pollInterval
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(every: pollInterval, on: clock.timer, name: "erasure attributes", logger: logger) {
            try await sendDue()
            return false
        }
    }

    /// Sends every batch that is due now.
    package func sendDue() async throws {
        let now = clock.now
        for request in try await store.claimErasureAttributesDue(
            at: now, leaseUntil: now.addingTimeInterval(60), limit: 20)
        {
            if request.state.isTerminal {
                try await skip(request)
                continue
            }
            let batch = EventBatch.erasureRequested(
                customerId: request.subject.customerId, submittedAt: request.receivedAt, environment: environment)
            let outcome = await client.upload(batch, logger: logger)
            let at = clock.now
            let retry = retry
            // `updatedAt` stays: it says when the request itself last moved (the poller's staleness reads it).
            try await store.update(id: request.id) { stored in
                guard case .success = outcome else {
                    stored.erasureAttributes.attempts += 1
                    if stored.erasureAttributes.attempts >= retry.maxAttempts {
                        stored.erasureAttributes = ErasureAttributesRecord()
                        return [
                            AuditEntry(
                                at: at, actor: .events, event: .erasureAttributesGivenUp,
                                detail: "Events API: \(outcome.summary); not sent after \(retry.maxAttempts) attempts")
                        ]
                    }
                    let delay = retry.delay(afterAttempt: stored.erasureAttributes.attempts)
                    stored.erasureAttributes.nextAttemptAt = at.addingTimeInterval(delay)
                    return [
                        AuditEntry(
                            at: at, actor: .events, event: .erasureAttributesRetryScheduled,
                            detail: "Events API: \(outcome.summary); next attempt in \(delay.wholeSecondsForDisplay) s")
                    ]
                }
                stored.erasureAttributes.status = .sent
                stored.erasureAttributes.nextAttemptAt = nil
                return [
                    AuditEntry(
                        at: at, actor: .events, event: .erasureAttributesSent,
                        detail: "dsr_erasure_requested set through the Events API (\(environment.rawValue))")
                ]
            }
        }
    }

    /// A finished, withdrawn or failed erasure must not tell mParticle's audiences that an erasure is under way.
    private func skip(_ request: DSRRequest) async throws {
        let at = clock.now
        try await store.update(id: request.id) { stored in
            stored.erasureAttributes = ErasureAttributesRecord()
            return [
                AuditEntry(
                    at: at, actor: .events, event: .erasureAttributesSkipped,
                    detail: "the request is \(stored.state.rawValue); attributes not sent")
            ]
        }
    }
}
