import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenDSR

/// `GET /v3/discovery` and the certificate download it points at (docs/upstream-apis.md,
/// "Discovery and the processor certificate").
struct DiscoveryController: Sendable {
    /// Path of the PEM chain (leaf, intermediate, root), served without authentication like mParticle's static host.
    static let certificatePath = "static/dsr/opendsr_cert.pem"

    let identity: ProcessorIdentity
    let listening: ListeningAddress

    /// Adds `discovery` to the `/v3` group.
    func register(on group: RouterGroup<SimulatorRequestContext>) {
        group.get("discovery", use: discovery)
    }

    /// Adds the unauthenticated PEM route to the router.
    func registerCertificate(on router: Router<SimulatorRequestContext>) {
        router.get(RouterPath(Self.certificatePath), use: certificate)
    }

    @Sendable func discovery(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        let baseURL = try await listening.wait()
        let answer = DiscoveryResponse(
            supportedIdentities: IdentityCatalog.discoverable.map { .init(identityType: $0) },
            supportedSubjectRequestTypes: ["access", "erasure", "portability"],
            processorCertificate: baseURL.appending(path: Self.certificatePath).absoluteString
        )
        return try WireResponder.json(encoding: answer)
    }

    @Sendable func certificate(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/x-pem-file"],
            body: .init(byteBuffer: ByteBuffer(string: identity.chain.chainPEM))
        )
    }
}
