import DSRCore
import Foundation
import Persistence
import Testing

/// Requests, audit entries and transitions that the store tests build on.
enum RequestFixtures {
    /// 2025-08-26T10:00:00.1234567Z: sub-millisecond on purpose, as real clocks are.
    static let t0 = Date(timeIntervalSince1970: 1_756_202_400.123_456_7)

    /// A new queued request with a unique subject.
    static func request(
        id: UUID = UUID(), receivedAt: Date = t0, idempotencyKey: String? = nil
    ) -> DSRRequest {
        DSRRequest(
            id: id, regulation: .gdpr, type: .erasure,
            subject: SubjectIdentity(customerId: "customer-\(UUID().uuidString)", email: "subject@example.com"),
            source: .api, receivedAt: receivedAt, deadline: receivedAt.addingTimeInterval(30 * 86_400),
            idempotencyKey: idempotencyKey
        )
    }

    /// A request with every optional field set and every field away from its initial value.
    static func fullyPopulated() -> DSRRequest {
        var request = DSRRequest(
            id: UUID(), regulation: .ccpa, type: .access,
            subject: SubjectIdentity(customerId: "customer-full", email: "full@example.com"),
            source: .baton, receivedAt: t0, deadline: t0.addingTimeInterval(45 * 86_400),
            idempotencyKey: "key-full"
        )
        request.state = .inProgress
        request.processor = ProcessorFields(
            controllerId: "controller-1", expectedCompletionTime: t0.addingTimeInterval(86_400.5),
            resultsURL: "https://processor.example/results/1", receivedTime: t0.addingTimeInterval(0.25),
            follows: UUID()
        )
        request.results = ResultsRecord(
            status: .stored, location: "s3://results/1.zip", storedAt: t0.addingTimeInterval(7.25), attempts: 1)
        request.erasureAttributes = ErasureAttributesRecord(
            status: .pending, attempts: 2, nextAttemptAt: t0.addingTimeInterval(30.5))
        request.attempts = 3
        request.lastError = "upstream 503"
        request.nextAttemptAt = t0.addingTimeInterval(60.001)
        request.updatedAt = t0.addingTimeInterval(120.999)
        request.principal = "baton-key"
        request.deadlineExtension = DeadlineExtension(
            reason: "many systems to search", at: t0.addingTimeInterval(3_600.125), principal: "privacy-team",
            previousDeadline: t0.addingTimeInterval(-86_400.5))
        return request
    }

    /// The entry an API submission writes with the request.
    static func accepted(_ request: DSRRequest) -> AuditEntry {
        AuditEntry(at: request.receivedAt, actor: .api, event: .received, toState: .queued)
    }

    /// A transition the way callbacks apply one: only forward, stamped with `at`, audited.
    static func move(to state: RequestState, at: Date) -> @Sendable (inout DSRRequest) -> [AuditEntry] {
        { request in
            guard request.state.canMove(to: state) else { return [] }
            let from = request.state
            request.state = state
            request.updatedAt = at
            return [AuditEntry(at: at, actor: .callback, event: .stateChanged, fromState: from, toState: state)]
        }
    }
}

extension RequestStore {
    /// Creates `request` with its "accepted" audit entry and returns what the store holds.
    @discardableResult
    func create(_ request: DSRRequest) async throws -> DSRRequest {
        try await create(request, audit: RequestFixtures.accepted(request)).request
    }

    /// Creates a request received at `receivedAt` and moves it to `state` at `updatedAt` (a queued one keeps
    /// `updatedAt == receivedAt`).
    func seed(_ state: RequestState, receivedAt: Date, updatedAt: Date) async throws -> DSRRequest {
        let request = try await create(RequestFixtures.request(receivedAt: receivedAt))
        guard state != .queued else { return request }
        let moved = try await update(id: request.id, RequestFixtures.move(to: state, at: updatedAt))
        return try #require(moved)
    }
}
