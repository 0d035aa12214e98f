import DSRCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /v3/requests/{id}/results`: the results archive of a completed access/portability request.
///
/// 404 for an unknown id, a request without results (erasure, not completed, cancelled) or identities that
/// match no records (`SubjectDataRule`); 410 Gone from completion + `resultsLinkLifetime` (7 days).
struct ResultsController: Sendable {
    let store: SimulatorStore
    let clock: any WallClock
    let linkLifetime: TimeInterval

    /// Adds the route to a `/v3` group.
    func register(on group: RouterGroup<SimulatorRequestContext>) {
        group.get("requests/:id/results", use: download)
    }

    @Sendable func download(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let record = await store.request(id: id) else { throw SimulatorError.notFound() }
        guard record.hasResults, let completedAt = record.completedAt else {
            throw SimulatorError.notFound("No results are available for this subject request")
        }
        guard clock.now < completedAt.addingTimeInterval(linkLifetime) else {
            throw SimulatorError(.gone, "The results link has expired", reason: "Gone", domain: "Request")
        }
        guard let profile = SubjectDataRule.resolve(record.identities) else {
            throw SimulatorError.notFound("No records match the identities of this subject request")
        }
        let zip = try ResultsArchiveBuilder.archive(
            identities: record.identities, profile: profile, receivedAt: record.receivedAt)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip",
                .contentDisposition: "attachment; filename=\"\(id).zip\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: zip))
        )
    }
}
