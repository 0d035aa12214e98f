import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayHTTP
import Hummingbird
import HummingbirdTesting
import OpenDSR
import Operations
import ProcessorSimulator
import TestSupport

/// `POST /events` mounted as the gateway mounts it (error middleware, then API keys) on a router of its own, with
/// its `EventsClient` pointed at an upstream over loopback: a live processor simulator, or any base URL.
struct EventsRouterHarness {
    /// A key with `events:write`, and one that may only read requests.
    static let eventsKey = "events-secret"
    static let readerKey = "reader-secret"

    /// Runs `body` with a live simulator and a test client of a router forwarding to it.
    static func with<T: Sendable>(
        _ body: @Sendable (ProcessorSimulator, any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let simulator = try ProcessorSimulator(
            configuration: SimulatorConfiguration(tickInterval: nil), clock: ManualWallClock(GatewayHarness.start),
            logger: GatewayHarness.quietLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            defer { group.cancelAll() }
            let baseURL = try await simulator.waitUntilListening()
            return try await with(upstream: baseURL.absoluteString + "/v2") { client in
                try await body(simulator, client)
            }
        }
    }

    /// Runs `body` with a test client of a router forwarding to the Events API at `upstream`.
    static func with<T: Sendable>(
        upstream: String, _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let client = EventsClient(
            httpClient: .shared,
            configuration: EventsClientConfiguration(
                baseURL: upstream, inputKey: "sim-input-key", inputSecret: "sim-input-secret"),
            clock: SystemWallClock())
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.group()
            .add(
                middleware: APIKeyMiddleware(
                    keys: [
                        APIKey(name: "events", sha256Hex: APIKey.hash(secret: eventsKey), scopes: [.events])!,
                        APIKey(name: "reader", sha256Hex: APIKey.hash(secret: readerKey), scopes: [.read])!,
                    ], requestsPerSecond: InboundLimits().requestsPerSecondPerKey, metrics: GatewayMetrics())
            )
            .addRoutes(EventsController(client: client).endpoints, atPath: "/events")
        let app = Application(router: router, logger: GatewayHarness.quietLogger)
        return try await app.test(.router) { client in try await body(client) }
    }
}
