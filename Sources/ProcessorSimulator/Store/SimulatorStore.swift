import DSRCore
import Foundation

/// Why the store refused a submission (mapped to mParticle's 400/409 answers by the controller).
enum SubmissionConflict: Error, Equatable {
    /// The `subject_request_id` was used before.
    case idExists
    /// The `group_id` already holds the maximum number of requests.
    case groupFull(limit: Int)
    /// A request with the same identities, extensions and type is still pending or in progress.
    case inProgressDuplicate
}

/// Result of a cancellation attempt.
enum CancelOutcome: Equatable {
    case cancelled(receivedAt: Date)
    case notFound
    case notCancellable(ProcessorRequestStatus)
}

/// The simulated processor's records and callback outbox; one actor so every rule is checked atomically.
actor SimulatorStore {
    private var records: [String: SimulatedRequest] = [:]
    private var groups: [String: [String]] = [:]
    private var openByKey: [SubmissionKey: String] = [:]
    private var openIds: Set<String> = []
    var outbox: [PendingCallback] = []
    var stats = CallbackDeliveryStats()
    private var lastBatch: Date
    private let maxRequestsPerGroup: Int

    init(maxRequestsPerGroup: Int, createdAt: Date) {
        self.maxRequestsPerGroup = maxRequestsPerGroup
        self.lastBatch = createdAt
    }

    /// Stores a new `pending` request and queues its creation callbacks.
    func insert(_ request: SimulatedRequest) throws(SubmissionConflict) {
        guard records[request.id] == nil else { throw .idExists }
        if let group = request.groupId, groups[group, default: []].count >= maxRequestsPerGroup {
            throw .groupFull(limit: maxRequestsPerGroup)
        }
        guard openByKey[request.duplicateKey] == nil else { throw .inProgressDuplicate }
        records[request.id] = request
        if let group = request.groupId { groups[group, default: []].append(request.id) }
        openByKey[request.duplicateKey] = request.id
        openIds.insert(request.id)
        enqueueCallbacks(for: request)
    }

    /// The request with `id`, if any.
    func request(id: String) -> SimulatedRequest? { records[id] }

    /// Every request of `group`, oldest first.
    func requests(inGroup group: String) -> [SimulatedRequest] {
        groups[group, default: []].compactMap { records[$0] }
    }

    /// Every request, oldest first.
    func allRequests() -> [SimulatedRequest] {
        records.values.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
    }

    /// Cancels a `pending` request (the only cancellable state) and queues its callbacks.
    func cancel(id: String) -> CancelOutcome {
        guard var request = records[id] else { return .notFound }
        guard request.status == .pending else { return .notCancellable(request.status) }
        request.status = .cancelled
        store(request)
        return .cancelled(receivedAt: request.receivedAt)
    }

    /// Applies every transition due at `now`; returns how many status changes happened.
    @discardableResult
    func advance(to now: Date) -> Int {
        var changes = 0
        for id in openIds.sorted() {
            guard var request = records[id] else { continue }
            let plan = request.plan
            if request.status == .pending, now >= plan.processingStartsAt, plan.completesAt > plan.processingStartsAt {
                request.status = .inProgress
                store(request)
                changes += 1
            }
            if request.status.isOpen, now >= plan.completesAt {
                request.status = .completed
                request.completedAt = plan.completesAt
                store(request)
                changes += 1
            }
        }
        return changes
    }

    /// Whether a callback batch is due at `now`; if so the batch clock restarts at `now`.
    func claimBatch(at now: Date, interval: TimeInterval) -> Bool {
        guard now.timeIntervalSince(lastBatch) >= interval else { return false }
        lastBatch = now
        return true
    }

    /// Counts one delivered callback copy for `id`.
    func creditDelivery(to id: String) {
        records[id]?.callbacksDelivered += 1
    }

    /// Saves a changed request, keeps the open-request indexes right and queues the status-change callbacks.
    private func store(_ request: SimulatedRequest) {
        records[request.id] = request
        if !request.status.isOpen {
            openIds.remove(request.id)
            if openByKey[request.duplicateKey] == request.id { openByKey[request.duplicateKey] = nil }
        }
        enqueueCallbacks(for: request)
    }

    private func enqueueCallbacks(for request: SimulatedRequest) {
        for url in request.callbackURLs {
            outbox.append(
                PendingCallback(
                    requestId: request.id, url: url, status: request.status,
                    expectedCompletion: request.plan.expectedCompletion, hasResults: request.hasResults
                )
            )
        }
    }
}
