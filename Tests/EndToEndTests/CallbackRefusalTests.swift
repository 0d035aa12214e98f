import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayTools
import Logging
import NIOCore
import NIOHTTP1
import OpenDSR
import Operations
import Persistence
import Testing
import TestSupport

/// What anyone on the internet can send to the public callback route: it is refused, counted by reason, and pages
/// no one. Only a failed chain or signature check for an allowed domain is a certificate validation failure, and a
/// body that cannot be read is the sender's mistake (4xx), never a server error.
@Suite struct CallbackRefusalTests {
    private func post(
        _ harness: GatewayHarness, _ id: String, headers: [(String, String)], body: String = "{}"
    ) async throws -> Int {
        try await post(harness, id, headers: headers, bytes: Array(body.utf8))
    }

    private func post(
        _ harness: GatewayHarness, _ id: String, headers: [(String, String)], bytes: [UInt8]
    ) async throws -> Int {
        var request = HTTPClientRequest(url: "\(await harness.baseURL)/data-subject-requests/\(id)/callback")
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: bytes))
        let response = try await harness.httpClient.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// What the running gateway kept, read from its database as `dsr-gateway callback refused` reads it.
    private func refusedCallbacks(_ harness: GatewayHarness) async throws -> [RefusedCallback] {
        let path = harness.storePath
        return try await StoreLocation.sqlite(path: path).withStore(
            logger: GatewayHarness.quietLogger, migrating: false
        ) { store in try await store.refusedCallbacks(limit: 1000) }
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

    /// A forged callback (an allowed domain, a wrong signature) and an unsigned one are kept as they were sent, byte
    /// for byte, for `dsr-gateway callback refused`; of a flood of refusals for one reason, the ten a minute that are
    /// logged are kept, and nothing else.
    @Test func refusedCallbacksAreKeptAsSentAtMostTenAMinutePerReason() async throws {
        try await GatewayHarness.with { harness in
            let id = UUID().uuidString.lowercased()
            // Not UTF-8 at the end: kept byte for byte all the same.
            let forgedBody =
                Array(#"{"subject_request_id":"\#(id)","request_status":"completed"}"#.utf8) + [0xFF, 0xFE, 0x00]
            let signature = Data(repeating: 7, count: 256).base64EncodedString()
            let forged = [
                (OpenDSRHeaders.processorDomain, OpenDSRHeaders.mParticleDomain), (OpenDSRHeaders.signature, signature),
            ]
            #expect(try await post(harness, id, headers: forged, bytes: forgedBody) == 401)
            let unsignedBody = Array(#"{"request_status":"completed"}"#.utf8)
            let unsigned = [(OpenDSRHeaders.processorDomain, OpenDSRHeaders.mParticleDomain)]
            #expect(try await post(harness, "not-a-request-id", headers: unsigned, bytes: unsignedBody) == 401)

            let kept = try await refusedCallbacks(harness)
            try #require(kept.count == 2)
            // Newest first.
            #expect(kept[0].id > kept[1].id)
            #expect(kept[0].reason == "missing_signature")
            #expect(kept[0].body == unsignedBody)
            #expect(kept[0].signature == nil)
            #expect(kept[0].domain == OpenDSRHeaders.mParticleDomain)
            #expect(kept[0].claimedId == "invalid")
            #expect(kept[1].reason == "signatureMismatch")
            #expect(kept[1].body == forgedBody)
            #expect(kept[1].signature == signature)
            #expect(kept[1].domain == OpenDSRHeaders.mParticleDomain)
            #expect(kept[1].claimedId == id)
            #expect(kept[1].remoteAddress == "127.0.0.1")
            #expect(kept[1].at == harness.clock.now)

            // Thirty refusals for one reason within a minute: each answered and counted, the ten logged kept.
            let unknownDomain = [
                (OpenDSRHeaders.processorDomain, "evil.example"), (OpenDSRHeaders.signature, signature),
            ]
            for index in 0..<30 {
                #expect(try await post(harness, id, headers: unknownDomain, body: #"{"n":\#(index)}"#) == 401)
            }
            let metrics = MetricsText(
                String(decoding: try await harness.api.send(.GET, "/metrics").body, as: UTF8.self))
            #expect(metrics.value("dsr_gateway_callbacks_refused_total", ["reason": "domain_not_allowed"]) == 30)
            let flood = try await refusedCallbacks(harness).filter { $0.reason == "domain_not_allowed" }
            let expected = (0..<10).reversed().map { #"{"n":\#($0)}"# }
            #expect(flood.map { String(decoding: $0.body, as: UTF8.self) } == expected)
            #expect(flood.allSatisfy { $0.domain == "evil.example" && $0.signature == signature })
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
