import AsyncHTTPClient
import Foundation
import GatewayTools
import Logging
import NIOCore
import NIOHTTP1
import OpenDSR
import Operations
import Testing
import TestSupport

/// What anyone on the internet can send to the public callback route: it is refused, counted by reason, and pages
/// no one. Only a failed chain or signature check for an allowed domain is a certificate validation failure, and a
/// body that cannot be read is the sender's mistake (4xx), never a server error.
@Suite struct CallbackRefusalTests {
    private func post(
        _ harness: GatewayHarness, _ id: String, headers: [(String, String)], body: String = "{}"
    ) async throws -> Int {
        var request = HTTPClientRequest(url: "\(await harness.baseURL)/data-subject-requests/\(id)/callback")
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await harness.httpClient.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    @Test func unsignedAndUnknownDomainCallbacksAreNotValidationFailures() async throws {
        let logs = CapturedLogs()
        try await GatewayHarness.with(logger: logs.logger(level: .info)) { harness in
            let id = try await harness.api.submitted(regulation: "gdpr", type: "erasure", subjectId: "refusals-1")
            let signature = Data(repeating: 7, count: 256).base64EncodedString()
            for _ in 0..<30 {
                #expect(
                    try await post(
                        harness, id, headers: [(OpenDSRHeaders.processorDomain, OpenDSRHeaders.mParticleDomain)])
                        == 401)
            }
            let unknownDomain = [
                (OpenDSRHeaders.processorDomain, "evil.example"), (OpenDSRHeaders.signature, signature),
            ]
            #expect(try await post(harness, id, headers: unknownDomain) == 401)
            let wrongSignature = [
                (OpenDSRHeaders.processorDomain, OpenDSRHeaders.mParticleDomain), (OpenDSRHeaders.signature, signature),
            ]
            #expect(try await post(harness, id, headers: wrongSignature) == 401)

            let metrics = MetricsText(
                String(decoding: try await harness.api.send(.GET, "/metrics").body, as: UTF8.self))
            #expect(metrics.value("dsr_gateway_callbacks_refused_total", ["reason": "missing_signature"]) == 30)
            #expect(metrics.value("dsr_gateway_callbacks_refused_total", ["reason": "domain_not_allowed"]) == 1)
            // Only the real check of an allowed domain's signature failed.
            #expect(metrics.value("dsr_gateway_certificate_validations_total", ["result": "failure"]) == 1)
            // Thirty identical refusals: ten lines, and the unverified path id never names the request.
            let refused = logs.all.filter { $0.contains(#""message":"callback refused""#) }
            #expect(refused.count == 11)
            #expect(
                refused.allSatisfy { !$0.contains(#""dsr.id""#) && $0.contains(#""callback.claimed_id":"\#(id)""#) })
        }
    }

    @Test func aBodyThatCannotBeReadIsTheSendersMistake() async throws {
        try await GatewayHarness.with { harness in
            let path = "/data-subject-requests/\(UUID().uuidString.lowercased())/callback"
            let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            // A chunk size that is not hexadecimal.
            let malformed = try await RawHTTP.exchange(
                port: await harness.port, head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
            #expect(malformed.hasPrefix("HTTP/1.1 400"), "\(malformed)")
            // An upload that stops after 10 of the 100 bytes it announced.
            let cutOff = try await RawHTTP.exchange(
                port: await harness.port, head + "Content-Length: 100\r\n\r\n{\"a\":\"bcd\"", halfClose: true)
            #expect(!cutOff.hasPrefix("HTTP/1.1 5"), "\(cutOff)")

            let metrics = MetricsText(
                String(decoding: try await harness.api.send(.GET, "/metrics").body, as: UTF8.self))
            #expect(metrics.sum("dsr_gateway_http_requests_total", ["status_class": "5xx"]) == 0)
        }
    }

    /// HTTP/1.0 closes after the answer unless the client asks to keep it; HTTP/1.1 keeps it unless asked to close.
    @Test func connectionsCloseWhenTheClientAsksForIt() async throws {
        try await GatewayHarness.with { harness in
            let port = await harness.port
            func closes(_ version: String, _ header: String) async throws -> Bool {
                try await RawHTTP.closesAfterAnswering(
                    port: port, "GET /health/live HTTP/1.\(version)\r\nHost: 127.0.0.1\r\n\(header)\r\n")
            }
            let answers = [
                try await closes("0", ""), try await closes("1", "Connection: close\r\n"),
                try await closes("1", ""), try await closes("0", "Connection: keep-alive\r\n"),
            ]
            #expect(answers == [true, true, false, false])
        }
    }
}
