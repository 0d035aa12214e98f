import DSRCore
import HTTPTypes
import Hummingbird
import Logging
import OpenDSR

/// `POST /events`: checks an mParticle event batch against the Events API limits and forwards it with the
/// Input's credentials (API key with `events:write`). Nothing is stored: the answer says what mParticle did.
/// Without an Events API configuration every call is 503 `events_not_configured`.
package struct EventsController: Sendable {
    let client: EventsClient?

    package init(client: EventsClient?) {
        self.client = client
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        let routes = RouteCollection(context: GatewayRequestContext.self)
        routes.post(use: upload)
        return routes
    }

    /// The 202 body once mParticle accepted the batch.
    struct Accepted: ResponseEncodable {
        var status = "accepted"
    }

    @Sendable func upload(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try context.require(.events)
        guard let client else {
            throw APIError(
                .serviceUnavailable, code: "events_not_configured",
                message: "The Events API is not configured (events.input_key, events.input_secret).")
        }
        let batch = try await request.decodeJSON(
            as: EventBatch.self, context: context, upTo: EventBatchLimits.maxRequestBytes)
        do {
            try EventBatchLimits.validate(batch)
        } catch {
            throw Self.apiError(for: error)
        }
        let outcome = await client.upload(batch, logger: context.logger)
        switch outcome {
        case .success:
            context.logger.info("event batch forwarded", metadata: ["events.count": "\(batch.events?.count ?? 0)"])
            var response = try Accepted().response(from: request, context: context)
            response.status = .accepted
            return response
        case .rejected(status: 400, _):
            context.logger.warning("mParticle rejected an event batch", metadata: ["events.status": "400"])
            throw APIError(
                .badGateway, code: "upstream_rejected", message: "mParticle rejected the batch as invalid (400).")
        default:
            context.logger.warning("event batch not forwarded", metadata: ["events.outcome": "\(outcome.summary)"])
            var response = try APIError(
                .serviceUnavailable, code: "events_unavailable",
                message: "mParticle's Events API did not accept the batch; nothing was sent. Try again later."
            ).response(from: request, context: context)
            if case .rateLimited(let retryAfter?) = outcome {
                response.headers[.retryAfter] = String(retryAfter.wholeSecondsForDisplay)
            }
            return response
        }
    }

    /// A limit error as a 400 naming the field (values are never echoed).
    static func apiError(for error: EventBatchError) -> APIError {
        switch error.code {
        case .invalidField: APIError.invalidField(error.field, error.message)
        case .invalidBatch: APIError(.badRequest, code: "invalid_batch", message: "\(error.field): \(error.message)")
        }
    }
}
