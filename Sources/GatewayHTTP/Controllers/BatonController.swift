import DSRCore
import Foundation
import Hummingbird
import Logging
import Operations
import Persistence
import RequestUseCases

/// `POST /baton`: the data-provider contract Baton's Lambdas implement, byte for byte in field names and values
/// (docs/baton.md). Needs an API key with the `baton` scope.
package struct BatonController: Sendable {
    let intake: RequestIntake
    let store: any RequestStore
    let metrics: GatewayMetrics

    package init(intake: RequestIntake, store: any RequestStore, metrics: GatewayMetrics) {
        self.intake = intake
        self.store = store
        self.metrics = metrics
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        RouteCollection(context: GatewayRequestContext.self).post(use: handle)
    }

    @Sendable func handle(_ request: Request, context: GatewayRequestContext) async throws -> BatonResponse {
        try context.require(.baton)
        let call = try await request.decodeJSON(as: BatonRequest.self, context: context)
        metrics.batonCall(requestType: call.requestType, action: call.action)
        guard let requestType = BatonRequestType(rawValue: call.requestType) else {
            throw APIError.invalidField("requestType", "must be RER or SAR.")
        }
        switch call.action {
        case "initiate":
            return try await initiate(call, requestType, principal: context.apiKey?.name, logger: context.logger)
        case "status": return try await status(call, requestType)
        default: throw APIError.invalidField("action", "must be initiate or status.")
        }
    }

    private func initiate(
        _ call: BatonRequest, _ requestType: BatonRequestType, principal: String?, logger: Logger
    ) async throws -> BatonResponse {
        guard call.dataProvider == requestType.dataProvider else {
            throw APIError(
                .badRequest, code: "wrong_data_provider",
                message: "dataProvider must be \(requestType.dataProvider) for \(requestType.rawValue).")
        }
        let subject = SubjectIdentity(
            customerId: try SubmissionValidator.subjectId(call.subjectId ?? "", field: "subjectId"),
            email: try call.subjectEmail.map { try SubmissionValidator.email($0) })
        let submission = RequestIntake.Submission(
            regulation: .gdpr, type: requestType == .rer ? .erasure : .access, subject: subject, source: .baton,
            principal: principal)
        let (stored, created) = try await intake.submitUnlessActive(submission)
        let message =
            created
            ? "mParticle Request Id: \"\(stored.subjectRequestId)\". Accepted; delivering to mParticle."
            : "mParticle Request Id: \"\(stored.subjectRequestId)\". A request for this subject is already in progress."
        logger.info(
            created ? "baton initiate accepted" : "baton initiate joined a request in flight",
            metadata: ["dsr.id": "\(stored.subjectRequestId)"])
        return BatonResponse(
            requestType: requestType.rawValue, action: "initiate", status: .pending,
            initiationReference: stored.subjectRequestId, message: message)
    }

    private func status(_ call: BatonRequest, _ requestType: BatonRequestType) async throws -> BatonResponse {
        let id = try SubmissionValidator.requestId(call.initiationReference ?? "", field: "initiationReference")
        // Baton sees only the requests it created: another client's request is as unknown to it as a made-up id.
        guard let stored = try await store.request(id: id), stored.source == .baton else {
            throw APIError.notFound("Initiation reference")
        }
        guard requestType.matches(stored.type) else {
            throw APIError(
                .conflict, code: "wrong_request_type",
                message:
                    "This initiationReference belongs to a \(stored.type.rawValue) request, not \(requestType.rawValue)."
            )
        }
        return BatonResponse.status(of: stored, requestType: requestType.rawValue)
    }
}
