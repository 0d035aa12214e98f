import AuditLog
import AsyncHTTPClient
import CallbackVerification
import DSRCore
import Foundation
import GatewayApp
import GatewayHTTP
import Hummingbird
import HummingbirdTesting
import NIOPosix
import OpenDSR
import Operations
import Persistence
import RequestUseCases
import X509

/// The gateway's real router on a real SQLite file, driven in-process through `app.test(.router)`.
/// The processor certificate comes from `chainPEM` (tests mint the chains) and the processor itself is unreachable.
package struct RouterHarness: Sendable {
    /// The public base URL callbacks must name.
    package static let publicBaseURL = "https://gateway.test"
    /// A key with every scope; one that may only read (every client's requests); one that submits, reads and cancels
    /// only its own; and one that sees only the operations pages.
    package static let writerKey = "writer-secret"
    package static let readerKey = "reader-secret"
    package static let clerkKey = "clerk-secret"
    package static let operatorKey = "operator-secret"

    package let store: SQLiteRequestStore
    package let clock: ManualWallClock

    /// Runs `body` with a test client of a fresh router; `chainPEM` is what discovery would serve.
    package static func with<T: Sendable>(
        chainPEM: String = "", trustRoots: [Certificate] = [], at start: Date = GatewayHarness.start,
        approvalRequired: Bool = false, _ body: @Sendable (RouterHarness, any TestClientProtocol) async throws -> T
    ) async throws -> T {
        try await TemporaryDatabase.with { database in
            let store = try await SQLiteRequestStore.open(path: database.path, logger: GatewayHarness.quietLogger)
            let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            let harness = RouterHarness(store: store, clock: ManualWallClock(start))
            let router: Router<GatewayRequestContext>
            var configuration = configuration
            configuration.approvalRequired = approvalRequired
            do {
                router = buildRouter(
                    try await GatewayComponents(
                        configuration: configuration, clock: harness.clock, store: store, metrics: GatewayMetrics(),
                        httpClient: httpClient, trustRoots: trustRoots,
                        auditKeys: AuditSigningKeys(current: try NoteSigner(name: "dsr-gateway.test/audit")),
                        logger: GatewayHarness.quietLogger,
                        fetchChainPEM: { _ in chainPEM }))
            } catch {
                try? await httpClient.shutdown()
                try? await store.close()
                throw error
            }
            let app = Application(router: router, logger: GatewayHarness.quietLogger)
            do {
                let result = try await app.test(.router) { client in try await body(harness, client) }
                try await httpClient.shutdown()
                try await store.close()
                return result
            } catch {
                try? await httpClient.shutdown()
                try? await store.close()
                throw error
            }
        }
    }

    private static var configuration: GatewayConfiguration {
        GatewayConfiguration(
            publicBaseURL: publicBaseURL, store: .sqlite(path: "unused"),
            // Unreachable: tests of the router never reach the processor.
            processor: .init(baseURL: "http://127.0.0.1:9/v3", workspaceKey: "k", workspaceSecret: "s"),
            apiKeys: [
                APIKey(name: "writer", sha256Hex: APIKey.hash(secret: writerKey), scopes: Set(APIScope.allCases))!,
                APIKey(name: "reader", sha256Hex: APIKey.hash(secret: readerKey), scopes: [.read, .readAll])!,
                APIKey(name: "clerk", sha256Hex: APIKey.hash(secret: clerkKey), scopes: [.read, .write])!,
                APIKey(name: "operator", sha256Hex: APIKey.hash(secret: operatorKey), scopes: [.operations])!,
            ])
    }

    /// Stores a request directly (as if submitted and delivered) and returns it.
    package func seed(state: RequestState = .pending, id: UUID = UUID(), source: RequestSource = .api) async throws
        -> DSRRequest
    {
        var request = DSRRequest(
            id: id, regulation: .gdpr, type: .access, subject: SubjectIdentity(customerId: "seeded-customer"),
            source: source, receivedAt: clock.now, deadline: clock.now.addingTimeInterval(30 * 86_400))
        _ = try await store.create(
            request, audit: AuditEntry(at: clock.now, actor: .api, event: .received, toState: .queued))
        if state != .queued {
            request = try await store.update(id: id) { stored in
                stored.applyProcessorReport(
                    state: state, fields: ProcessorFields(controllerId: "3622"), actor: .dispatcher, at: clock.now)
            }!
        }
        return request
    }

    /// The callback URL the processor must name for `id`.
    package static func callbackURL(_ id: UUID) -> String {
        "\(publicBaseURL)/data-subject-requests/\(id.uuidString.lowercased())/callback"
    }
}
