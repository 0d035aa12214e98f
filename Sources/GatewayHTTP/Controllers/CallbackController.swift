import CallbackVerification
import DSRCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenDSR
import Operations
import RequestUseCases

/// `POST /data-subject-requests/{id}/callback`: processor status callbacks (public, signature-verified).
///
/// The raw body is verified (allowlisted domain, certificate chain, RSA signature) before it is parsed. Then the
/// body's `subject_request_id` must equal the path id and its `status_callback_url` must be ours. 202 is answered
/// only after the update is durable. Every authentication failure is 401 with the reason in the log, not in the
/// response; a verified body that is not a valid callback is 400.
package struct CallbackController: Sendable {
    let verifier: CallbackVerifier
    let recorder: ProcessorReportRecorder
    let publicBaseURL: PublicBaseURL
    let metrics: GatewayMetrics

    package init(
        verifier: CallbackVerifier, recorder: ProcessorReportRecorder, publicBaseURL: PublicBaseURL,
        metrics: GatewayMetrics
    ) {
        self.verifier = verifier
        self.recorder = recorder
        self.publicBaseURL = publicBaseURL
        self.metrics = metrics
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        RouteCollection(context: GatewayRequestContext.self).post("{id}/callback", use: receive)
    }

    /// The answer to an accepted callback.
    struct Accepted: ResponseEncodable {
        var message: String
        var state: RequestState
    }

    @Sendable func receive(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let pathId = try context.parameters.require("id")
        var logger = context.logger
        logger[metadataKey: "dsr.id"] = "\(pathId.lowercased())"
        let body = Array(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        do {
            _ = try await verifier.verify(
                domainHeader: request.headers[HTTPField.Name(OpenDSRHeaders.processorDomain)!],
                signatureHeader: request.headers[HTTPField.Name(OpenDSRHeaders.signature)!], body: body)
            metrics.certificateValidation(succeeded: true)
        } catch {
            metrics.certificateValidation(succeeded: false)
            throw refusal(
                "callback refused: certificate validation failed", code: error.code.rawValue, reason: error.reason,
                logger: logger)
        }
        let callback: CallbackBody
        do {
            callback = try JSONDecoder().decode(CallbackBody.self, from: Data(body))
        } catch {
            logger.warning("callback refused", metadata: ["callback.reason": "invalid_json"])
            throw APIError(
                .badRequest, code: "invalid_callback_body", message: "The callback body is not a valid callback.")
        }
        guard let id = UUID(uuidString: pathId), callback.subjectRequestId.lowercased() == pathId.lowercased() else {
            throw refusal(
                "callback refused: not addressed to this request", code: "id_mismatch",
                reason: "subject_request_id differs from the path id", logger: logger)
        }
        guard let expected = publicBaseURL.callbackURL(for: id.uuidString.lowercased()),
            callback.statusCallbackUrl == expected
        else {
            throw refusal(
                "callback refused: not addressed to this request", code: "foreign_callback_url",
                reason: "status_callback_url is not ours", logger: logger)
        }
        guard let state = RequestState(processorStatus: callback.requestStatus) else {
            logger.warning("callback refused", metadata: ["callback.reason": "unknown_status"])
            throw APIError(.badRequest, code: "invalid_callback_body", message: "Unknown request_status.")
        }
        let message: String
        let current: RequestState
        switch try await recorder.record(state: state, fields: callback.processorFields, for: id, actor: .callback) {
        case .applied(let stored):
            (message, current) = ("applied", stored.state)
        case .unchanged(let stored):
            (message, current) = ("no change", stored.state)
        case .unknownRequest:
            throw APIError.notFound("Request")
        }
        logger.info(
            "callback accepted", metadata: ["callback.status": "\(state.rawValue)", "callback.result": "\(message)"])
        var response = try Accepted(message: message, state: current).response(from: request, context: context)
        response.status = .accepted
        return response
    }

    private func refusal(_ message: Logger.Message, code: String, reason: String, logger: Logger) -> APIError {
        logger.warning(message, metadata: ["callback.reason": "\(code)", "callback.detail": "\(reason)"])
        return APIError(.unauthorized, code: "callback_unauthenticated", message: "Callback validation failed.")
    }
}
