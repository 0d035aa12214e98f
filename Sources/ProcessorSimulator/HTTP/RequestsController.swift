import DSRCore
import Foundation
import Hummingbird
import Logging
import OpenDSR

/// `/v3/requests`: submit, status, group listing and cancel (docs/upstream-apis.md, "Submitting a request" to
/// "Cancelling").
struct RequestsController: Sendable {
    let store: SimulatorStore
    let schedule: LifecycleSchedule
    let wire: WireResponder
    let clock: any WallClock
    let listening: ListeningAddress
    let controllerId: String

    /// Adds the routes to a `/v3` group.
    func register(on group: RouterGroup<SimulatorRequestContext>) {
        group.post("requests", use: submit)
        group.get("requests", use: list)
        group.get("requests/:id", use: status)
        group.delete("requests/:id", use: cancel)
    }

    @Sendable func submit(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        let body = Array((try await request.body.collect(upTo: context.maxUploadSize)).readableBytesView)
        let submission: ValidatedSubmission
        do {
            submission = try SubmissionValidator.validate(body)
        } catch {
            throw SimulatorError.invalid(error.message)
        }
        let now = clock.now
        let record = SimulatedRequest(
            id: submission.id, regulation: submission.regulation, type: submission.type,
            identities: submission.identities, groupId: submission.groupId, callbackURLs: submission.callbackURLs,
            skipWaitingPeriod: submission.skipWaitingPeriod, receivedAt: now,
            plan: schedule.plan(
                type: submission.type, receivedAt: now, skipWaitingPeriod: submission.skipWaitingPeriod),
            status: .pending
        )
        do {
            try await store.insert(record)
        } catch {
            throw Self.httpError(for: error)
        }
        context.logger.info(
            "Subject request accepted",
            metadata: ["dsr.id": "\(record.id)", "dsr.type": "\(record.type.rawValue)"]
        )
        let answer = SubmitResponse(
            expectedCompletionTime: WireTime.seconds(record.plan.expectedCompletion),
            receivedTime: WireTime.fractional(now),
            encodedRequest: Data(body).base64EncodedString(),
            subjectRequestId: record.id,
            controllerId: controllerId
        )
        return try wire.signed(try answer.orderedJSON(), status: .created)
    }

    @Sendable func status(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let record = await store.request(id: id) else { throw SimulatorError.notFound() }
        let answer = record.statusResponse(controllerId: controllerId, baseURL: try await listening.wait())
        return WireResponder.json(try answer.orderedJSON())
    }

    @Sendable func list(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        guard let group = request.uri.queryParameters["group_id"].map(String.init), !group.isEmpty else {
            throw SimulatorError.invalid("Invalid data was detected: the group_id query parameter is required.")
        }
        let baseURL = try await listening.wait()
        let records = await store.requests(inGroup: group)
        let answers = try records.map {
            try $0.statusResponse(controllerId: controllerId, baseURL: baseURL).orderedJSON()
        }
        return WireResponder.json(OrderedJSONObject.array(answers))
    }

    @Sendable func cancel(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        switch await store.cancel(id: id) {
        case .notFound:
            throw SimulatorError.notFound()
        case .notCancellable(let status):
            throw SimulatorError.invalid("Only pending requests can be cancelled; this request is \(status.rawValue).")
        case .cancelled(let receivedAt):
            context.logger.info("Subject request cancelled", metadata: ["dsr.id": "\(id)"])
            let answer = CancelResponse(
                receivedTime: WireTime.fractional(receivedAt), subjectRequestId: id, controllerId: controllerId)
            return try wire.signed(try answer.orderedJSON(), status: .accepted)
        }
    }

    private static func httpError(for conflict: SubmissionConflict) -> SimulatorError {
        switch conflict {
        case .idExists:
            return .invalid(ProcessorErrorBody.alreadyExistsMessage)
        case .groupFull(let limit):
            return .invalid("Invalid data was detected: a group_id may hold at most \(limit) requests.")
        case .inProgressDuplicate:
            return SimulatorError(
                .conflict, "There is an in-progress request with the same identities, extensions and type.",
                reason: "Conflict")
        }
    }
}
