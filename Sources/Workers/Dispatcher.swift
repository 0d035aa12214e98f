import BackgroundWork
import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence
import RequestUseCases
import ServiceLifecycle
import Synchronization

/// The outbox dispatcher: delivers queued requests to the processor, at most once per id, retrying with backoff.
///
/// A request is claimed with a lease before the call, so a crash mid-call only delays it; the retry after the
/// lease reuses the same `subject_request_id`, which the processor answers with "already exists" — treated as
/// delivered. A request is never re-sent under a new id.
package struct Dispatcher: Service {
    private let store: any RequestStore
    private let client: OpenDSRClient
    private let configuration: DispatcherConfiguration
    private let publicBaseURL: PublicBaseURL
    private let clock: any WallClock
    private let logger: Logger
    private let bodies: SubmitBodyBuilder
    private let claimSize: ClaimSize

    package init(
        store: any RequestStore, client: OpenDSRClient, configuration: DispatcherConfiguration,
        publicBaseURL: PublicBaseURL, clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.client = client
        self.configuration = configuration
        self.publicBaseURL = publicBaseURL
        self.clock = clock
        self.logger = logger
        self.bodies = SubmitBodyBuilder(
            skipWaitingPeriod: configuration.skipWaitingPeriod, sendEmailIdentity: configuration.sendEmailIdentity)
        self.claimSize = ClaimSize(batchSize: configuration.batchSize)
    }

    package func run() async throws {
        await repeatUntilShutdown(
            every: configuration.pollInterval, on: clock.timer, name: "dispatcher", logger: logger
        ) {
            try await deliverDue() > 0
        }
    }

    /// One pass over the outbox: claims due requests and attempts each once, concurrently, so the whole batch
    /// finishes within one call timeout, well inside the lease. Returns how many were attempted (none while the pacer
    /// already knows submissions are held).
    ///
    /// A request claimed only for the budget to hold it costs a write to put back (and, the first time, an audit
    /// entry). So after a pass with a held delivery the next claims one request, a probe of the budget, and each pass
    /// that sends everything it claimed doubles the claim up to the batch size.
    @discardableResult
    package func deliverDue() async throws -> Int {
        // While the budget is known to hold submissions, claiming the backlog would only put it back, a write each.
        guard publicBaseURL.current != nil, client.pacer.knownHold(submission: true) == nil else { return 0 }
        let now = clock.now
        let claimed = try await store.claimDue(
            at: now, leaseUntil: now.addingTimeInterval(configuration.lease), limit: claimSize.next)
        let held = await withTaskGroup(of: String?.self) { group in
            for request in claimed {
                group.addTask {
                    do {
                        return try await deliver(request)
                    } catch {
                        // The lease expires and the request is retried; the processor's duplicate-id answer
                        // then tells us if this attempt had reached it.
                        logger.error(
                            "delivery not recorded",
                            metadata: ["dsr.id": "\(request.subjectRequestId)", "error.type": "\(type(of: error))"])
                        return nil
                    }
                }
            }
            return await group.reduce(into: [String: Int]()) { counts, reason in
                if let reason { counts[reason, default: 0] += 1 }
            }
        }
        if !claimed.isEmpty { claimSize.record(held: !held.isEmpty) }
        // A backlog held by the workspace limit would otherwise log a line per request per pass.
        for (reason, count) in held.sorted(by: { $0.key < $1.key }) {
            logger.info(
                "deliveries held, not sent",
                metadata: ["dsr.held": .stringConvertible(count), "dsr.reason": "\(reason)"])
        }
        return claimed.count
    }

    /// Attempts one delivery; returns the reason when nothing was sent (held), for the pass's one line about them.
    private func deliver(_ request: DSRRequest) async throws -> String? {
        var logger = logger
        logger[metadataKey: "dsr.id"] = "\(request.subjectRequestId)"
        guard let callbackURL = publicBaseURL.callbackURL(for: request.subjectRequestId) else { return nil }
        let reply = await client.submit(bodies.body(for: request, callbackURL: callbackURL), logger: logger)
        let outcome = reply.outcome
        if case .held(let reason, let retryAfter) = outcome {
            // Nothing was sent: the request waits, without spending its budget (degraded mode).
            try await scheduleRetry(request, reason: "not sent, \(reason)", countsAttempt: false, after: retryAfter)
            return reason
        }
        logger.info("delivery attempt", metadata: ["dsr.outcome": "\(outcome.summary)"])
        switch outcome {
        case .success(let response):
            let stored = try await record(
                .pending, fields: response.processorFields, for: request.id, detail: "delivered",
                exchange: reply.exchange)
            try await cancelIfWithdrawn(stored, logger: logger)
        case .duplicateId:
            try await cancelIfWithdrawn(try await adoptExisting(request, logger: logger), logger: logger)
        case .inProgressDuplicate:
            try await followOrFail(request, reason: outcome.summary, answer: reply.exchange, logger: logger)
        case .rejected:
            try await store.update(id: request.id, recording: reply.exchange) {
                $0.fail(reason: outcome.summary, actor: .dispatcher, at: clock.now)
            }
        case .rateLimited(let retryAfter):
            try await scheduleRetry(request, reason: outcome.summary, countsAttempt: false, after: retryAfter)
        case .held:
            break  // answered above
        case .unauthorized:
            // Our credentials, not the request: retry without spending its budget, at the slowest pace.
            try await scheduleRetry(
                request, reason: outcome.summary, countsAttempt: false, after: configuration.retry.maxDelay)
        case .unavailable, .badAnswer, .notFound, .gone:
            if request.attempts + 1 >= configuration.retry.maxAttempts {
                // A timed-out attempt may have reached the processor: ask before giving up on the request.
                try await adoptExisting(request, logger: logger)
                return nil
            }
            try await scheduleRetry(request, reason: outcome.summary, countsAttempt: true, after: nil)
        }
        return nil
    }

    /// The processor has another request for this subject and type in progress (409). When it is one of ours, this
    /// request follows it: it takes that request's state and processor fields, and its status is read from then on
    /// under that request's id (so a twin submitted twice, say in two Unicode forms before intake normalised them,
    /// completes with it instead of failing). A duplicate we do not know of fails the request, with the reason.
    private func followOrFail(
        _ request: DSRRequest, reason: String, answer: ProcessorExchange?, logger: Logger
    ) async throws {
        let twins = try await store.inProgressAtProcessor(customerId: request.subject.customerId, type: request.type)
        guard let twin = twins.first(where: { $0.id != request.id }) else {
            try await store.update(id: request.id, recording: answer) {
                $0.fail(reason: reason, actor: .dispatcher, at: clock.now)
            }
            return
        }
        var fields = twin.processor
        fields.follows = twin.id
        _ = try await record(
            twin.state, fields: fields, for: request.id,
            detail: "processor has \(twin.subjectRequestId) in progress for this subject and type (409): following it",
            exchange: answer)
        logger.notice("delivery follows a request in progress", metadata: ["dsr.follows": "\(twin.subjectRequestId)"])
    }

    /// The processor already had our id (we crashed after it accepted, or a lease expired mid-call):
    /// read its status and record the request as delivered.
    @discardableResult
    private func adoptExisting(_ request: DSRRequest, logger: Logger) async throws -> DSRRequest? {
        let reply = await client.status(subjectRequestId: request.subjectRequestId, logger: logger)
        switch reply.outcome {
        case .success(let status):
            guard let state = RequestState(processorStatus: status.requestStatus) else {
                try await scheduleRetry(request, reason: "unknown processor status", countsAttempt: true, after: nil)
                return nil
            }
            return try await record(
                state, fields: status.processorFields, for: request.id, detail: "processor already had this id",
                exchange: reply.exchange)
        case let other:
            try await scheduleRetry(request, reason: other.summary, countsAttempt: true, after: nil)
            return nil
        }
    }

    /// Records what the processor said (with the exchange that said it, kept as evidence) and returns the request as
    /// stored afterwards.
    private func record(
        _ state: RequestState, fields: ProcessorFields, for id: UUID, detail: String, exchange: ProcessorExchange?
    ) async throws -> DSRRequest? {
        try await store.update(id: id, recording: exchange) { request in
            request.attempts += 1
            var entries = request.applyProcessorReport(state: state, fields: fields, actor: .dispatcher, at: clock.now)
            entries = entries.map { entry in
                var entry = entry
                entry.event = .delivered
                entry.detail = [detail, entry.detail].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
                return entry
            }
            return entries
        }
    }

    /// A request cancelled locally while its delivery was in flight is cancelled at the processor too.
    private func cancelIfWithdrawn(_ stored: DSRRequest?, logger: Logger) async throws {
        guard let stored, stored.state == .cancelled else { return }
        let outcome = await client.cancel(subjectRequestId: stored.subjectRequestId, logger: logger).outcome
        logger.notice("cancelled at processor after local cancel", metadata: ["dsr.outcome": "\(outcome.summary)"])
    }

    /// Schedules the next delivery attempt of `request` (as claimed); fails it once the budget is spent. A hold
    /// repeating the reason already recorded (every pass of an outage) only moves the next attempt, so the audit trail
    /// does not grow with the outage's length.
    private func scheduleRetry(
        _ request: DSRRequest, reason: String, countsAttempt: Bool, after retryAfter: TimeInterval?
    ) async throws {
        let policy = configuration.retry
        let now = clock.now
        if !countsAttempt && request.lastError == reason {
            let delay = retryAfter ?? policy.delay(afterAttempt: max(1, request.attempts))
            return try await store.setNextAttempt(id: request.id, at: now.addingTimeInterval(delay))
        }
        try await store.update(id: request.id) { request in
            guard request.state == .queued else { return [] }
            if countsAttempt { request.attempts += 1 }
            if request.attempts >= policy.maxAttempts {
                return request.fail(
                    reason: "not delivered after \(request.attempts) attempts: \(reason)", actor: .dispatcher, at: now,
                    event: .retryBudgetSpent)
            }
            return request.scheduleRetry(
                after: retryAfter ?? policy.delay(afterAttempt: max(1, request.attempts)), reason: reason,
                event: .deliveryRetryScheduled, actor: .dispatcher, at: now)
        }
    }
}

/// How many requests the dispatcher's next pass claims: one after a pass the budget held back, doubling after each
/// pass that sent all it claimed, up to the batch size.
private final class ClaimSize: Sendable {
    private let batchSize: Int
    private let size: Mutex<Int>

    init(batchSize: Int) {
        self.batchSize = batchSize
        self.size = Mutex(batchSize)
    }

    var next: Int { size.withLock { $0 } }

    func record(held: Bool) {
        size.withLock { $0 = held ? 1 : min(batchSize, $0 * 2) }
    }
}
