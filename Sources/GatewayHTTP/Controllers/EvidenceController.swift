import Evidence
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// `GET /data-subject-requests/{id}/evidence` (scope `requests:admin`): the request's evidence bundle, a zip that
/// `dsr-gateway evidence verify` checks offline (docs/compliance.md).
package struct EvidenceController: Sendable {
    let builder: EvidenceBundleBuilder

    package init(builder: EvidenceBundleBuilder) {
        self.builder = builder
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        RouteCollection(context: GatewayRequestContext.self).get("{id}/evidence", use: bundle)
    }

    @Sendable func bundle(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try context.require(.admin)
        let id = try SubmissionValidator.requestId(try context.parameters.require("id"))
        guard let bundle = try await builder.bundle(for: id) else { throw APIError.notFound("Request") }
        let name = "evidence-\(id.uuidString.lowercased()).zip"
        context.logger.notice("evidence bundle exported", metadata: ["dsr.id": "\(id.uuidString.lowercased())"])
        return Response(
            status: .ok,
            headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name)\""],
            body: ResponseBody(byteBuffer: ByteBuffer(data: try bundle.zipped())))
    }
}
