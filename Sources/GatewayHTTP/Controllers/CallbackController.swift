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
/// response; a verified body that is not a valid callback is 400. Only a failed chain or signature check for an
/// allowed domain counts as a certificate validation failure; everything else anyone could send (unsigned, an
/// unknown domain, a misaddressed or unreadable body) is counted by reason in `dsr_gateway_callbacks_refused_total`.
/// Refused callbacks whose body could be read are kept as sent (``RefusedCallbackKeeper``), at most 10 a minute per
/// reason, for `dsr-gateway callback refused`.
package struct CallbackController: Sendable {
    let verifier: CallbackVerifier
    let recorder: ProcessorReportRecorder
    let publicBaseURL: PublicBaseURL
    let metrics: GatewayMetrics
    let refusedCallbacks: RefusedCallbackKeeper
    /// Callbacks a second per sender address: a flood from one address is answered 429 before any work.
    let senders: TokenBuckets
    /// At most 10 refusal lines a minute per reason; a refusal is kept exactly when its line is let through.
    private let refusalLog = LogThrottle(perMinute: 10)
    /// The same bound on keeping failed chain or signature checks, each of which is logged.
    private let failureKeeping = LogThrottle(perMinute: 10)

    package init(
        verifier: CallbackVerifier, recorder: ProcessorReportRecorder, publicBaseURL: PublicBaseURL,
        metrics: GatewayMetrics, refusedCallbacks: RefusedCallbackKeeper, callbacksPerSecondPerAddress: Double
    ) {
        self.verifier = verifier
        self.recorder = recorder
        self.publicBaseURL = publicBaseURL
        self.metrics = metrics
        self.refusedCallbacks = refusedCallbacks
        self.senders = TokenBuckets(perSecond: callbacksPerSecondPerAddress, burst: 2 * callbacksPerSecondPerAddress)
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        RouteCollection(context: GatewayRequestContext.self).post("{id}/callback", use: receive)
    }

    /// The answer to an accepted callback: `{"message": …, "state": …}`, with 202.
    private static func accepted(message: String, state: RequestState) -> Response {
        var writer = JSONWriter(capacity: 64)
        writer.object { writer in
            writer.field("message", message)
            writer.field("state", state)
        }
        var response = Response.json(writer.bytes)
        response.status = .accepted
        return response
    }

    @Sendable func receive(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        if let wait = senders.take(context.clientAddress) {
            metrics.rateLimited("callback_sender")
            throw APIError.rateLimited(retryAfter: wait)
        }
        let pathId = try context.parameters.require("id")
        var logger = context.logger
        // Unverified until the signature is checked: a claim, never the field that names a real request.
        let claimedId = UUID(uuidString: pathId).map { "\($0)".lowercased() } ?? "invalid"
        logger[metadataKey: "callback.claimed_id"] = "\(claimedId)"
        let domainHeader = request.headers[HTTPField.Name(OpenDSRHeaders.processorDomain)!]
        let signatureHeader = request.headers[HTTPField.Name(OpenDSRHeaders.signature)!]
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.collectBody(context: context))
        } catch let error as APIError {
            // Nothing is kept: the body never arrived whole.
            throw await refusal(.unreadableBody, detail: "body unreadable", error: error, logger: logger)
        }
        let sent = ReceivedCallback(
            claimedId: claimedId, domain: domainHeader, signature: signatureHeader, body: body,
            remoteAddress: context.clientAddress)
        let certificate: ValidatedCertificate
        do {
            certificate = try await verifier.verify(
                domainHeader: domainHeader, signatureHeader: signatureHeader, body: body)
            metrics.certificateValidation(succeeded: true)
        } catch {
            if let reason = Self.refusal(for: error.code) {
                throw await refusal(
                    reason, detail: error.reason, error: Self.unauthenticated, logger: logger, sent: sent)
            }
            metrics.certificateValidation(succeeded: false)
            logger.warning(
                "callback refused: certificate validation failed",
                metadata: ["callback.reason": "\(error.code.rawValue)", "callback.detail": "\(error.reason)"])
            if failureKeeping.admit(error.code.rawValue) != nil {
                await refusedCallbacks.keep(sent, reason: error.code.rawValue, detail: error.reason, logger: logger)
            }
            throw Self.unauthenticated
        }
        let callback: CallbackBody
        do {
            callback = try JSONDecoder().decode(CallbackBody.self, from: Data(body))
        } catch {
            throw await refusal(
                .invalidBody, detail: "not a callback",
                error: APIError(
                    .badRequest, code: "invalid_callback_body", message: "The callback body is not a valid callback."),
                logger: logger, sent: sent)
        }
        guard let id = UUID(uuidString: pathId), callback.subjectRequestId.lowercased() == pathId.lowercased() else {
            throw await refusal(
                .idMismatch, detail: "subject_request_id differs from the path id", error: Self.unauthenticated,
                logger: logger, sent: sent)
        }
        guard let expected = publicBaseURL.callbackURL(for: id.uuidString.lowercased()),
            callback.statusCallbackUrl == expected
        else {
            throw await refusal(
                .foreignCallbackURL, detail: "status_callback_url is not ours", error: Self.unauthenticated,
                logger: logger, sent: sent)
        }
        logger[metadataKey: "callback.claimed_id"] = nil
        logger[metadataKey: "dsr.id"] = "\(pathId.lowercased())"
        guard let state = RequestState(processorStatus: callback.requestStatus) else {
            throw await refusal(
                .invalidBody, detail: "unknown request_status",
                error: APIError(.badRequest, code: "invalid_callback_body", message: "Unknown request_status."),
                logger: logger, sent: sent)
        }
        let message: String
        let current: RequestState
        // Kept, exactly as received, with the change it causes (its time set there).
        let evidence = ProcessorExchange(
            kind: .callback, at: Date(), received: body, signature: signatureHeader, domain: certificate.domain,
            chainPEM: certificate.chainPEM)
        switch try await recorder.record(
            state: state, fields: callback.processorFields, for: id, actor: .callback, evidence: evidence)
        {
        case .applied(let stored):
            (message, current) = ("applied", stored.state)
        case .unchanged(let stored):
            (message, current) = ("no change", stored.state)
        case .unknownRequest:
            throw APIError.notFound("Request")
        }
        logger.info(
            "callback accepted", metadata: ["callback.status": "\(state.rawValue)", "callback.result": "\(message)"])
        return Self.accepted(message: message, state: current)
    }

    /// Every authentication failure looks the same to the caller; the reason is in the log and the metrics.
    private static let unauthenticated = APIError(
        .unauthorized, code: "callback_unauthenticated", message: "Callback validation failed.")

    /// A check that could not be made or did not apply (nil: a real chain or signature failure for an allowed domain,
    /// the only kind counted as a certificate validation failure).
    private static func refusal(for code: CallbackVerificationError.Code) -> CallbackRefusal? {
        switch code {
        case .missingDomainHeader: .missingDomainHeader
        case .domainNotAllowed: .domainNotAllowed
        case .missingSignature: .missingSignature
        case .malformedSignature: .malformedSignature
        case .certificateUnavailable: .certificateUnavailable
        case .untrustedChain, .nameMismatch, .expired, .notYetValid, .invalidCertificate, .signatureMismatch: nil
        }
    }

    /// Counts the refusal and logs it, at most 10 lines a minute per reason (the next line says how many were held
    /// back); a refusal whose line is let through is kept too, as `sent` (nil: the body could not be read, nothing to
    /// keep). Keeping is done before the answer and never changes it. Returns `error` to throw.
    private func refusal(
        _ reason: CallbackRefusal, detail: String, error: APIError, logger: Logger, sent: ReceivedCallback? = nil
    ) async -> APIError {
        metrics.callbackRefused(reason)
        if let heldBack = refusalLog.admit(reason.rawValue) {
            logger.warning(
                "callback refused",
                metadata: [
                    "callback.reason": "\(reason.rawValue)", "callback.detail": "\(detail)",
                    "callback.held_back": "\(heldBack)",
                ])
            if let sent {
                await refusedCallbacks.keep(sent, reason: reason.rawValue, detail: detail, logger: logger)
            }
        }
        return error
    }
}
