import AsyncHTTPClient
import Foundation
import GatewayApp
import GatewayHTTP
import GatewayTools
import NIOCore
import NIOHTTP1
import ProcessorSimulator
import Testing
import TestSupport

/// What the gateway logs while every endpoint is used with a recognisable subject: JSON lines with a request id, and
/// never the subject id or email (trace level, so every line any component writes is checked).
@Suite struct LoggingEndToEndTests {
    static let subjectId = "pii-subject-7f3a9c"
    static let email = "pii.person.7f3a9c@example.org"

    @Test func everyEndpointLogsJSONWithARequestIdAndNoSubjectData() async throws {
        let logs = CapturedLogs()
        try await GatewayHarness.with(logger: logs.logger()) { harness in
            let api = try await harness.api
            let submitted = try await api.send(
                .POST, "/data-subject-requests",
                json: ["regulation": "gdpr", "type": "access", "subjectId": Self.subjectId, "subjectEmail": Self.email])
            let id = try #require(submitted.json?["id"] as? String)
            _ = try await api.send(
                .POST, "/data-subject-requests",
                json: ["regulation": "gdpr", "type": "erasure", "subjectId": Self.subjectId, "subjectEmail": "bad@"])
            let erasure = try await api.submitted(regulation: "ccpa", type: "erasure", subjectId: Self.subjectId)
            _ = try await api.send(.GET, "/data-subject-requests/\(id)")
            _ = try await api.send(.GET, "/data-subject-requests?limit=10")
            let reference = try await api.batonInitiate("SAR", subjectId: Self.subjectId + "-b", email: Self.email)
            _ = try await api.batonStatus("SAR", reference)
            _ = try await api.send(.POST, "/baton", json: ["requestType": "RER", "action": "initiate"])
            var events = HTTPClientRequest(url: "\(await harness.baseURL)/events")
            events.method = .POST
            events.headers.add(name: "Authorization", value: "Bearer \(harness.apiKey)")
            events.headers.add(name: "Content-Type", value: "application/json")
            events.body = .bytes(
                ByteBuffer(
                    string: #"{"environment":"development","user_identities":{"customer_id":"\#(Self.subjectId)","#
                        + #""email":"\#(Self.email)"},"user_attributes":{"tier":"gold"},"events":[]}"#))
            #expect(try await harness.httpClient.execute(events, timeout: .seconds(10)).status == .accepted)
            _ = try await api.send(.GET, "/health")
            _ = try await api.send(.GET, "/metrics")
            _ = try await harness.forgedCallback(for: id)
            _ = try await api.send(.DELETE, "/data-subject-requests/\(erasure)")
            // Deliveries, verified callbacks, the results download and the poller log too.
            try await harness.advance(days: 10)
            try await harness.waitFor(id, state: "completed")
            var unauthenticated = HTTPClientRequest(url: "\(await harness.baseURL)/data-subject-requests/\(id)")
            unauthenticated.headers.add(name: "X-Request-Id", value: "caller-chosen-id.42")
            let refused = try await harness.httpClient.execute(unauthenticated, timeout: .seconds(10))
            #expect(refused.status == .unauthorized)
            #expect(refused.headers.first(name: "X-Request-Id") == "caller-chosen-id.42")
        }
        let lines = logs.all
        #expect(lines.count > 20)
        var accessLines: [[String: Any]] = []
        for line in lines {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["timestamp"] is String && object["level"] is String && object["message"] is String)
            #expect(!line.contains(Self.subjectId), "subject id logged: \(line)")
            #expect(!line.contains("7f3a9c"), "subject data logged: \(line)")
            if object["message"] as? String == "request" { accessLines.append(object) }
        }
        #expect(accessLines.count >= 14)
        for access in accessLines {
            #expect(access["request_id"] is String)
            #expect(access["route"] is String)
            #expect(access["status"] is Int)
            #expect(access["duration_ms"] is Int)
            #expect(access["duration"] is Int)
            #expect(access["client.address"] as? String == "127.0.0.1")
        }
        #expect(
            accessLines.contains { $0["request_id"] as? String == "caller-chosen-id.42" && $0["status"] as? Int == 401 }
        )
        #expect(accessLines.contains { $0["route"] as? String == "/data-subject-requests/{id}/callback" })
        #expect(lines.contains { $0.contains("certificate validation failed") })
    }

    /// The address a forwarded request is logged under: the `X-Forwarded-For` client only when the connection comes
    /// from a configured proxy; anyone else's header is ignored.
    @Test(arguments: [(["127.0.0.1/32"], "203.0.113.9"), ([], "127.0.0.1"), (["10.0.0.0/8"], "127.0.0.1")])
    func theClientAddressHonoursXForwardedForOnlyFromTrustedProxies(trusted: [String], logged: String) async throws {
        let logs = CapturedLogs()
        let proxies = try #require(TrustedProxies(trusted))
        try await GatewayHarness.with(gateway: { $0.inbound.trustedProxies = proxies }, logger: logs.logger()) {
            harness in
            var request = HTTPClientRequest(url: "\(await harness.baseURL)/health/live")
            request.headers.add(name: "X-Request-Id", value: "forwarded-1")
            request.headers.add(name: "X-Forwarded-For", value: "198.51.100.4, 203.0.113.9")
            let response = try await harness.httpClient.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
        }
        let access = try logs.all.compactMap { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.first { $0["request_id"] as? String == "forwarded-1" && $0["message"] as? String == "request" }
        #expect(access?["client.address"] as? String == logged)
    }
}
