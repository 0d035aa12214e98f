import AsyncHTTPClient
import Foundation
import GatewayApp
import GatewayHTTP
import GatewayTools
import NIOCore
import NIOHTTP1
import NIOPosix
import OpenDSR
import Operations
import Testing
import TestSupport

/// Clients that take more than their share: one key flooding the API, one address flooding the callback route, and
/// connections that open, send half a request and wait. Everyone else still gets through.
@Suite struct InboundProtectionTests {
    private func get(_ harness: GatewayHarness, _ path: String, key: String? = nil) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "\(await harness.baseURL)\(path)")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await harness.httpClient.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response
    }

    /// One request every 100 s (a burst of one): the second is refused however slowly a loaded machine sends it.
    @Test func aKeyOverItsRateIs429WithRetryAfterAndOtherKeysGetThrough() async throws {
        let otherKey = "other-key-secret"
        try await GatewayHarness.with(gateway: { configuration in
            configuration.inbound.requestsPerSecondPerKey = 0.01
            configuration.apiKeys.append(
                APIKey(name: "other", sha256Hex: APIKey.hash(secret: otherKey), scopes: [.read])!)
        }) { harness in
            #expect(try await get(harness, "/data-subject-requests", key: harness.apiKey).status.code == 200)
            let refused = try await get(harness, "/data-subject-requests", key: harness.apiKey)
            #expect(refused.status.code == 429)
            #expect(Int(refused.headers.first(name: "Retry-After") ?? "") ?? 0 >= 90)
            #expect(try await get(harness, "/data-subject-requests", key: otherKey).status.code == 200)
            let metrics = MetricsText(
                String(decoding: try await harness.api.send(.GET, "/metrics").body, as: UTF8.self))
            #expect(metrics.value("dsr_gateway_http_rate_limited_total", ["limit": "api_key"]) == 1)
        }
    }

    @Test func aCallbackFloodFromOneAddressIs429BeforeAnyWork() async throws {
        try await GatewayHarness.with(gateway: { $0.inbound.callbacksPerSecondPerAddress = 0.01 }) { harness in
            let url = "\(await harness.baseURL)/data-subject-requests/\(UUID().uuidString.lowercased())/callback"
            var statuses: [UInt] = []
            for _ in 0..<5 {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.body = .bytes(ByteBuffer(string: "{}"))
                let response = try await harness.httpClient.execute(request, timeout: .seconds(10))
                statuses.append(response.status.code)
            }
            #expect(statuses == [401, 429, 429, 429, 429])
            let metrics = MetricsText(
                String(decoding: try await harness.api.send(.GET, "/metrics").body, as: UTF8.self))
            #expect(metrics.value("dsr_gateway_http_rate_limited_total", ["limit": "callback_sender"]) == 4)
            // Only the one let through was looked at.
            #expect(metrics.sum("dsr_gateway_callbacks_refused_total") == 1)
        }
    }

    /// More connections than the cap, each with half a request's headers, held open: the idle timeout closes them, so
    /// a normal client gets its answer well inside its 10 s timeout (with the 30 s default it would not).
    @Test func halfOpenConnectionsAreClosedAndNormalClientsGetThrough() async throws {
        try await GatewayHarness.with(gateway: { configuration in
            configuration.inbound.maxConnections = 32
            configuration.inbound.idleTimeout = 1
        }) { harness in
            let port = await harness.port
            var idle: [any Channel] = []
            for _ in 0..<100 {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get()
                try await channel.writeAndFlush(ByteBuffer(string: "GET /health/live HTTP/1.1\r\nHost: x\r\n"))
                idle.append(channel)
            }
            let response = try await get(harness, "/health/live")
            #expect(response.status == .ok)
            for channel in idle { try? await channel.close() }
        }
    }
}
