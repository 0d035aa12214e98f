import DSRCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenDSR

/// `POST /v2/events`: mParticle's Events API for one batch (docs/upstream-apis.md, "Events API"), on the Input's
/// credentials. 503 while the `events_unavailable` fault is set, 401 without credentials, 403 with wrong ones, 400
/// for a malformed batch or one over a limit, else 202 once the batch is recorded.
struct EventsController: Sendable {
    let authenticator: BasicAuthenticator
    let faults: FaultInjector
    let inbox: EventBatchInbox
    let clock: any WallClock

    /// Adds the route to the router.
    func register(on router: Router<SimulatorRequestContext>) {
        router.post("v2/events", use: upload)
    }

    @Sendable func upload(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        if faults.eventsUnavailable {
            return Self.error(.serviceUnavailable, "SERVICE_UNAVAILABLE", "Try again later.")
        }
        guard request.headers[.authorization] != nil else {
            var response = Self.error(.unauthorized, "UNAUTHORIZED", "The Authorization header is missing.")
            response.headers[.wwwAuthenticate] = "Basic realm=\"mparticle\""
            return response
        }
        guard authenticator.isAuthorized(request) else {
            return Self.error(.forbidden, "FORBIDDEN", "The Input key and secret are not valid.")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: EventBatchLimits.maxRequestBytes)
        } catch is NIOTooManyBytesError {
            return Self.badRequest("The request is larger than \(EventBatchLimits.maxRequestBytes) bytes.")
        }
        let batch: EventBatch
        do {
            batch = try JSONDecoder().decode(EventBatch.self, from: Data(body.readableBytesView))
        } catch {
            return Self.badRequest("Malformed JSON or missing fields.")
        }
        do {
            try EventBatchLimits.validate(batch)
        } catch {
            return Self.badRequest("\(error.field): \(error.message)")
        }
        await inbox.append(batch, receivedAt: clock.now)
        context.logger.info("Event batch accepted", metadata: ["events.count": "\(batch.events?.count ?? 0)"])
        return Response(status: .accepted)
    }

    private static func badRequest(_ message: String) -> Response {
        error(.badRequest, "BAD_REQUEST", message)
    }

    /// `{"errors":[{"code","message"}]}` with `status`.
    private static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        // Encoding two strings cannot fail.
        WireResponder.json(
            (try? OrderedJSONObject.encode(EventsErrorBody(code: code, message: message))) ?? [], status: status)
    }
}
