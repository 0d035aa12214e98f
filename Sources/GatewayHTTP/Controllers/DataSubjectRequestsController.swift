import DSRCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Persistence
import RequestUseCases

/// `POST/GET/DELETE /data-subject-requests`: submit, read, cancel, resolve and extend requests (API key required).
package struct DataSubjectRequestsController: Sendable {
    let intake: RequestIntake
    let canceller: RequestCanceller
    let resolver: RequestResolver
    let extender: RequestExtender
    let approver: RequestApprover
    let store: any RequestStore

    package init(
        intake: RequestIntake, canceller: RequestCanceller, resolver: RequestResolver, extender: RequestExtender,
        approver: RequestApprover, store: any RequestStore
    ) {
        self.intake = intake
        self.canceller = canceller
        self.resolver = resolver
        self.extender = extender
        self.approver = approver
        self.store = store
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        let routes = RouteCollection(context: GatewayRequestContext.self)
        routes.post(use: submit)
        routes.get(use: list)
        routes.get("{id}", use: show)
        routes.delete("{id}", use: cancel)
        routes.post("{id}/resolution", use: resolve)
        routes.post("{id}/extension", use: extend)
        routes.post("{id}/approve", use: approve)
        routes.post("{id}/deny", use: deny)
        return routes
    }

    /// The submit body (openapi.yaml, `SubmitRequest`).
    struct SubmitPayload: Decodable {
        var id: String?
        var regulation: String
        var type: String
        var subjectId: String
        var subjectEmail: String?
        var receivedAt: String?
    }

    @Sendable func submit(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try context.require(.write)
        let payload = try await request.decodeJSON(as: SubmitPayload.self, context: context)
        let idempotencyKey = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let idempotencyKey, idempotencyKey.isEmpty || idempotencyKey.count > 200 {
            throw APIError.invalidField("Idempotency-Key", "must be 1 to 200 characters.")
        }
        let regulation = try SubmissionValidator.regulation(payload.regulation)
        let submission = RequestIntake.Submission(
            id: try payload.id.map { try SubmissionValidator.requestId($0) },
            regulation: regulation,
            type: try SubmissionValidator.type(payload.type),
            subject: SubjectIdentity(
                customerId: try SubmissionValidator.subjectId(payload.subjectId),
                email: try payload.subjectEmail.map { try SubmissionValidator.email($0) }),
            source: .api, idempotencyKey: idempotencyKey, principal: context.apiKey?.name,
            receivedAt: try payload.receivedAt.map { try receiptTime($0, regulation: regulation) })
        let stored: DSRRequest
        var headers: HTTPFields = [:]
        switch try await intake.submit(submission) {
        case .created(let request):
            stored = request
            context.logger.info("request accepted", metadata: ["dsr.id": "\(request.subjectRequestId)"])
        case .replayed(let request):
            stored = request
            headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
        case .conflict:
            throw APIError(
                .conflict, code: "idempotency_conflict",
                message: "This id or Idempotency-Key was already used for a different request.")
        }
        headers[.location] = "/data-subject-requests/\(stored.subjectRequestId)"
        var response = try RequestView(stored).response(from: request, context: context)
        response.status = .accepted
        response.headers.append(contentsOf: headers)
        return response
    }

    /// A submission's `receivedAt`: an RFC 3339 time, not in the future, whose deadline has not passed yet.
    private func receiptTime(_ text: String, regulation: Regulation) throws -> Date {
        guard let supplied = Timestamp.parse(text) else {
            throw APIError.invalidField("receivedAt", "must be an RFC 3339 time such as 2026-01-31T09:30:00Z.")
        }
        do throws(RequestIntake.ReceiptTimeProblem) {
            return try intake.receiptTime(supplied, regulation: regulation)
        } catch .inTheFuture {
            throw APIError.invalidField("receivedAt", "must not be in the future.")
        } catch .deadlinePassed(let deadline) {
            throw APIError.invalidField(
                "receivedAt", "implies a deadline that has already passed (\(Timestamp.format(deadline))).")
        }
    }

    @Sendable func show(_ request: Request, context: GatewayRequestContext) async throws -> RequestView {
        try context.require(.read)
        let id = try SubmissionValidator.requestId(try context.parameters.require("id"))
        guard let stored = try await store.requestWithTrail(id: id), context.maySee(stored.request) else {
            throw APIError.notFound("Request")
        }
        return RequestView(stored.request, audit: stored.trail)
    }

    @Sendable func list(_ request: Request, context: GatewayRequestContext) async throws -> RequestListView {
        try context.require(.read)
        let states = try request.uri.queryParameters.getAll("state").map { text in
            guard let state = RequestState(rawValue: String(text)) else {
                throw APIError.invalidField("state", "must be a request state (queued, pending, in_progress, …).")
            }
            return state
        }
        let limits = request.uri.queryParameters.getAll("limit")
        guard limits.count <= 1 else { throw APIError.invalidField("limit", "must be given at most once.") }
        let limit = limits.first.map { Int($0) } ?? 100
        guard let limit, (1...1000).contains(limit) else { throw APIError.invalidField("limit", "must be 1 to 1000.") }
        let requests = try await store.list(
            states: states.isEmpty ? nil : Set(states), submittedBy: context.ownRequestsOnly, limit: limit)
        return RequestListView(requests: requests.map { RequestView($0) })
    }

    @Sendable func cancel(_ request: Request, context: GatewayRequestContext) async throws -> RequestView {
        try context.require(.write)
        let id = try SubmissionValidator.requestId(try context.parameters.require("id"))
        if context.ownRequestsOnly != nil {
            // The submitter of a request never changes, so checking before cancelling cannot race.
            guard let stored = try await store.request(id: id), context.maySee(stored) else {
                throw APIError.notFound("Request")
            }
        }
        switch try await canceller.cancel(id: id, actor: .api, principal: context.apiKey?.name, logger: context.logger)
        {
        case .cancelled(let stored):
            return RequestView(stored, audit: try await store.auditTrail(id: id))
        case .unknownRequest:
            throw APIError.notFound("Request")
        case .notCancellable(let state):
            throw APIError(
                .conflict, code: "not_cancellable",
                message: "The request is \(state.rawValue); the processor only allows cancelling pending requests.")
        case .deliveryInProgress(let retryAfter):
            throw APIError(
                .conflict, code: "delivery_in_progress",
                message:
                    "The request is being delivered to the processor; try again after \(Timestamp.format(retryAfter)).")
        case .processorUnavailable:
            throw APIError(
                .serviceUnavailable, code: "processor_unavailable",
                message: "The processor could not be reached to cancel; nothing changed. Try again later.")
        }
    }

    /// The resolution body (openapi.yaml, `Resolution`).
    struct ResolutionPayload: Decodable {
        var outcome: String
        var reason: String
    }

    /// `POST /data-subject-requests/{id}/resolution` (scope `requests:admin`): a person closes a request the gateway
    /// could not serve by itself.
    @Sendable func resolve(_ request: Request, context: GatewayRequestContext) async throws -> RequestView {
        try context.require(.admin)
        let id = try SubmissionValidator.requestId(try context.parameters.require("id"))
        let payload = try await request.decodeJSON(as: ResolutionPayload.self, context: context)
        guard let outcome = ResolutionOutcome(rawValue: payload.outcome) else {
            let outcomes = ResolutionOutcome.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalidField("outcome", "must be one of \(outcomes).")
        }
        let reason = try SubmissionValidator.text(payload.reason, field: "reason", maxBytes: 1000)
        switch try await resolver.resolve(id: id, outcome: outcome, reason: reason, principal: context.apiKey?.name) {
        case .resolved(let stored):
            context.logger.notice(
                "request resolved",
                metadata: ["dsr.id": "\(stored.subjectRequestId)", "dsr.outcome": "\(outcome.rawValue)"])
            return RequestView(stored, audit: try await store.auditTrail(id: id))
        case .unknownRequest:
            throw APIError.notFound("Request")
        case .alreadyResolved:
            throw APIError(.conflict, code: "already_resolved", message: "The request has been resolved already.")
        case .notResolvable(let state):
            throw APIError(
                .conflict, code: "not_resolvable",
                message: "The request is \(state.rawValue) and owes the subject nothing a person must close: only a "
                    + "failed request, or one completed without results for the subject, can be resolved.")
        }
    }

    /// A body that is only a reason: an extension's or a denial's (openapi.yaml, `ExtensionRequest`, `DenialRequest`).
    struct ReasonPayload: Decodable {
        var reason: String
    }

    /// `POST /data-subject-requests/{id}/extension` (scope `requests:admin`): extends the deadline once, before it
    /// passes, by what the regulation allows.
    @Sendable func extend(_ request: Request, context: GatewayRequestContext) async throws -> RequestView {
        try context.require(.admin)
        let id = try SubmissionValidator.requestId(try context.parameters.require("id"))
        let payload = try await request.decodeJSON(as: ReasonPayload.self, context: context)
        let reason = try SubmissionValidator.text(payload.reason, field: "reason", maxBytes: 1000)
        switch try await extender.extend(id: id, reason: reason, principal: context.apiKey?.name) {
        case .extended(let stored):
            context.logger.notice("deadline extended", metadata: ["dsr.id": "\(stored.subjectRequestId)"])
            return RequestView(stored, audit: try await store.auditTrail(id: id))
        case .unknownRequest:
            throw APIError.notFound("Request")
        case .alreadyExtended:
            throw APIError(
                .conflict, code: "already_extended", message: "The deadline has been extended once already.")
        case .deadlinePassed:
            throw APIError(
                .conflict, code: "deadline_passed",
                message: "The deadline has passed; it can only be extended before then.")
        case .notExtendable(let state):
            throw APIError(
                .conflict, code: "not_extendable",
                message:
                    "The request is \(state.rawValue) and owes the subject nothing: there is no deadline to extend.")
        }
    }

    /// `POST /data-subject-requests/{id}/approve` (scope `requests:approve`): a request held for approval is queued for
    /// delivery. Never by the key that submitted it.
    @Sendable func approve(_ request: Request, context: GatewayRequestContext) async throws -> RequestView {
        try context.require(.approve)
        return try await decide(.approve, reason: "", request: request, context: context)
    }

    /// `POST /data-subject-requests/{id}/deny` (scope `requests:approve`): a request held for approval fails, resolved
    /// as refused with the reason, which Baton's status then gives. Never by the key that submitted it.
    @Sendable func deny(_ request: Request, context: GatewayRequestContext) async throws -> RequestView {
        try context.require(.approve)
        let payload = try await request.decodeJSON(as: ReasonPayload.self, context: context)
        let reason = try SubmissionValidator.text(payload.reason, field: "reason", maxBytes: 1000)
        return try await decide(.deny, reason: reason, request: request, context: context)
    }

    private func decide(
        _ decision: RequestApprover.Decision, reason: String, request: Request, context: GatewayRequestContext
    ) async throws -> RequestView {
        let id = try SubmissionValidator.requestId(try context.parameters.require("id"))
        switch try await approver.decide(decision, id: id, reason: reason, principal: context.apiKey?.name) {
        case .decided(let stored):
            context.logger.notice(
                decision == .approve ? "request approved" : "request denied",
                metadata: ["dsr.id": "\(stored.subjectRequestId)"])
            return RequestView(stored, audit: try await store.auditTrail(id: id))
        case .unknownRequest:
            throw APIError.notFound("Request")
        case .notAwaitingApproval(let state):
            throw APIError(
                .conflict, code: "not_awaiting_approval",
                message: "The request is \(state.rawValue), not awaiting approval.")
        case .ownRequest:
            throw APIError(
                .conflict, code: "own_request",
                message: "The key that submitted a request cannot approve or deny it: a second person must.")
        }
    }
}
