import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import GatewayTools
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import OpenDSR
import Operations
import ProcessorSimulator
import Testing
import TestSupport
import Workers
import X509

/// `GET /metrics` after a scripted scenario: every value equals what happened, and promtool accepts the text.
@Suite struct MetricsEndToEndTests {
    static func scrape(_ harness: GatewayHarness) async throws -> MetricsText {
        let answer = try await harness.api.send(.GET, "/metrics")
        #expect(answer.status == 200)
        return MetricsText(String(decoding: answer.body, as: UTF8.self))
    }

    @Test func valuesAfterSubmissionsCallbacksAndADuplicateEqualWhatHappened() async throws {
        // The poller re-reads what has not moved for 6 hours, as in production (the harness otherwise leaves it off).
        try await GatewayHarness.with(gateway: {
            $0.deadlines = DeadlinePolicy(gdprMonths: 1, ccpaDays: 1)
            $0.reconciliation.staleAfter = 6 * 3600
        }) { harness in
            let api = try await harness.api
            let erasure = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "metrics-1")
            let access = try await api.submitted(regulation: "ccpa", type: "access", subjectId: "metrics-2")
            try await harness.waitFor(erasure, state: "pending")
            // The processor refuses a second erasure in progress for the same subject (409): it follows the first.
            let duplicate = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "metrics-1")
            try await harness.eventually("the duplicate follows the first") {
                try await api.request(duplicate).audit.contains { $0.detail?.contains("following it") == true }
            }
            let baton = try await api.batonInitiate("RER", subjectId: "metrics-3")
            _ = try await api.batonStatus("RER", baton)
            // A forged callback: refused, counted as a validation failure.
            let forged = try await harness.forgedCallback(for: erasure)
            #expect(forged.status == 401)

            let early = try await Self.scrape(harness)
            // The CCPA request (1-day deadline in this test: the end of the next day) is at risk; nothing has passed yet.
            #expect(early.value("dsr_gateway_requests_deadline_at_risk") == 1)
            #expect(early.value("dsr_gateway_requests_deadline_passed") == 0)
            #expect(early.value("dsr_gateway_requests_deadline_imminent") == 1)
            try await harness.advance(days: 2)
            let late = try await Self.scrape(harness)
            #expect(late.value("dsr_gateway_requests_deadline_passed") == 1)
            #expect(late.value("dsr_gateway_requests_deadline_at_risk") == 0)
            #expect(late.value("dsr_gateway_requests_deadline_imminent") == 1)

            try await harness.advance(days: 10)
            try await harness.waitFor(erasure, state: "completed")
            try await harness.waitFor(access, state: "completed")
            // Until its results are stored the access request still owes the subject their data (and its deadline,
            // a day in this test, has passed). The download ends stored, or, when the ten days outran the link on a
            // loaded machine, expired: the deadline numbers below follow what happened.
            try await harness.eventually("the access results are fetched or given up") {
                try await api.request(access).resultsStatus != nil
            }
            let accessOwed = try await api.request(access).resultsStatus != "stored"
            try await harness.waitFor(baton, state: "completed")
            try await harness.waitFor(duplicate, state: "completed")
            let metrics = try await Self.scrape(harness)
            let delivered = await harness.simulator.snapshot().callbacks.sent

            #expect(
                metrics.value("dsr_gateway_requests_submitted_total", ["type": "erasure", "regulation": "gdpr"]) == 3)
            #expect(
                metrics.value("dsr_gateway_requests_submitted_total", ["type": "access", "regulation": "ccpa"]) == 1)
            #expect(
                metrics.value("dsr_gateway_requests_completed_total", ["type": "erasure", "regulation": "gdpr"]) == 3)
            #expect(
                metrics.value("dsr_gateway_requests_completed_total", ["type": "access", "regulation": "ccpa"]) == 1)
            #expect(
                metrics.value("dsr_gateway_requests_failed_total", ["type": "erasure", "regulation": "gdpr"]) ?? 0 == 0)
            #expect(
                metrics.value("dsr_gateway_retry_budget_exhausted_total", ["type": "erasure", "regulation": "gdpr"])
                    == 0)
            #expect(metrics.value("dsr_gateway_certificate_validations_total", ["result": "failure"]) == 1)
            #expect(
                metrics.value("dsr_gateway_certificate_validations_total", ["result": "success"]) == Double(delivered))
            #expect(delivered > 0)
            let expiresIn = harness.simulator.certificateChain.leaf.notValidAfter.timeIntervalSince(harness.clock.now)
            let reported = metrics.value(
                "dsr_gateway_certificate_expires_in_seconds", ["domain": "opendsr.mparticle.com"])
            #expect(abs((reported ?? 0) - expiresIn) < 1)
            #expect(metrics.value("dsr_gateway_baton_calls_total", ["request_type": "RER", "action": "initiate"]) == 1)
            #expect(metrics.value("dsr_gateway_baton_calls_total", ["request_type": "RER", "action": "status"]) == 1)
            #expect(
                metrics.value(
                    "dsr_gateway_processor_request_duration_seconds_count",
                    ["operation": "submit", "outcome": "success"])
                    == 3)
            #expect(
                metrics.value(
                    "dsr_gateway_processor_request_duration_seconds_count",
                    ["operation": "submit", "outcome": "in_progress_duplicate"]) == 1)
            #expect(
                metrics.value(
                    "dsr_gateway_http_requests_total",
                    ["method": "POST", "route": "/data-subject-requests", "status_class": "2xx"]) == 3)
            #expect(
                metrics.value(
                    "dsr_gateway_http_requests_total",
                    ["method": "POST", "route": "/data-subject-requests/{id}/callback", "status_class": "4xx"]) == 1)
            #expect(
                metrics.value(
                    "dsr_gateway_http_request_duration_seconds_count",
                    ["method": "POST", "route": "/data-subject-requests"]) == 3)
            #expect(metrics.value("dsr_gateway_requests", ["state": "completed"]) == 4)
            #expect(metrics.value("dsr_gateway_requests", ["state": "failed"]) == 0)
            #expect(metrics.value("dsr_gateway_queue_depth") == 0)
            #expect(metrics.value("dsr_gateway_requests_deadline_at_risk") == 0)
            #expect(metrics.value("dsr_gateway_requests_deadline_passed") == (accessOwed ? 1 : 0))
            #expect(metrics.value("dsr_gateway_requests_deadline_imminent") == (accessOwed ? 1 : 0))
            #expect(metrics.value("dsr_gateway_processor_circuit_open") == 0)
            // The process's own numbers (this test process serves the gateway), and the scrape itself in flight.
            #expect(metrics.value("dsr_gateway_http_requests_in_flight") ?? 0 >= 1)
            #expect(metrics.value("process_cpu_seconds_total") ?? 0 > 0)
            #expect(metrics.value("process_resident_memory_bytes") ?? 0 > 10_000_000)
            #expect(metrics.value("process_open_fds") ?? 0 > 3)
            let started = metrics.value("process_start_time_seconds") ?? 0
            #expect(started <= Date().timeIntervalSince1970 && started > Date().timeIntervalSince1970 - 86_400)
            #expect(metrics.text.contains("# TYPE process_cpu_seconds_total counter"))
            // No ids or subject data in any label.
            for secret in ["metrics-1", "metrics-2", "metrics-3", erasure, access, baton] {
                #expect(!metrics.text.contains(secret))
            }
            let promtool = try Promtool.check(["metrics"], input: metrics.text)
            #expect(promtool.status == 0, "\(promtool.output)")
        }
    }
}

extension GatewayHarness {
    /// A callback for `id` with a signature the processor never made.
    func forgedCallback(for id: String) async throws -> GatewayAPIClient.Answer {
        var request = HTTPClientRequest(url: "\(baseURL)/data-subject-requests/\(id)/callback")
        request.method = .POST
        request.headers.add(name: OpenDSRHeaders.processorDomain, value: OpenDSRHeaders.mParticleDomain)
        request.headers.add(name: OpenDSRHeaders.signature, value: Data(repeating: 7, count: 256).base64EncodedString())
        request.body = .bytes(ByteBuffer(string: #"{"subject_request_id":"\#(id)"}"#))
        let response = try await httpClient.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return GatewayAPIClient.Answer(status: Int(response.status.code), body: Data(buffer: body))
    }
}
