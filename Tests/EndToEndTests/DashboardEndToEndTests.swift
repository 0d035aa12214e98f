import AsyncHTTPClient
import Foundation
import GatewayApp
import GatewayTools
import NIOCore
import NIOHTTP1
import Operations
import ProcessorSimulator
import Testing
import TestSupport

/// `GET /dashboard` opened in headless Chromium: a screenshot, every panel in the rendered DOM, its numbers equal
/// to `/metrics`, and "degraded" while a 429 pause holds processor calls.
@Suite struct DashboardEndToEndTests {
    /// `data-metric` → text of that element in a rendered DOM.
    static func numbers(in dom: String) throws -> [String: String] {
        let pattern = try NSRegularExpression(pattern: #"data-metric="([^"]+)"[^>]*>([^<]*)<"#)
        var found: [String: String] = [:]
        for match in pattern.matches(in: dom, range: NSRange(dom.startIndex..., in: dom)) {
            guard let key = Range(match.range(at: 1), in: dom), let value = Range(match.range(at: 2), in: dom) else {
                continue
            }
            found[String(dom[key])] = String(dom[value])
        }
        return found
    }

    @Test func chromiumRendersEveryPanelWithTheNumbersOfMetrics() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let erasure = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "dashboard-1")
            try await harness.waitFor(erasure, state: "pending")
            _ = try await harness.forgedCallback(for: erasure)
            // A 429 storm: the next delivery is refused and every processor call is paused → degraded.
            harness.simulator.setFaults(SimulatorFaults(rateLimitStorm: true, rateLimitStormRetryAfter: 300))
            let reference = try await api.batonInitiate("RER", subjectId: "dashboard-2")
            _ = try await api.batonStatus("RER", reference)
            try await harness.eventually("the pause is in force") {
                try await api.request(reference).lastError?.contains("429") == true
            }

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let screenshot = directory.appendingPathComponent("dashboard.png")
            let url = "http://ops:\(harness.apiKey)@127.0.0.1:\(await harness.baseURL.split(separator: ":").last!)"
            let dom = try await HeadlessChromium.render(url + "/dashboard", screenshot: screenshot)
            let scrape = try await api.send(.GET, "/metrics")
            let metrics = MetricsText(String(decoding: scrape.body, as: UTF8.self))

            let png = try Data(contentsOf: screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(png.count > 20_000)
            for panel in DashboardPage.Panel.allCases.map(\.rawValue) {
                #expect(dom.contains("data-panel=\"\(panel)\""), "panel \(panel)")
            }
            let shown = try Self.numbers(in: dom)
            #expect(shown["status"] == "degraded")
            #expect(shown["circuit"] == "closed")
            func metric(_ name: String, _ labels: [String: String] = [:]) -> String {
                "\(Int(metrics.value(name, labels) ?? -1))"
            }
            #expect(
                shown["submitted:erasure gdpr"]
                    == metric("dsr_gateway_requests_submitted_total", ["type": "erasure", "regulation": "gdpr"]))
            #expect(shown["submitted:erasure gdpr"] == "2")
            #expect(shown["state:pending"] == metric("dsr_gateway_requests", ["state": "pending"]))
            #expect(shown["state:queued"] == metric("dsr_gateway_requests", ["state": "queued"]))
            #expect(shown["state:queued"] == "1")
            #expect(
                shown["baton:RER initiate"]
                    == metric("dsr_gateway_baton_calls_total", ["request_type": "RER", "action": "initiate"]))
            #expect(shown["baton:RER initiate"] == "1")
            #expect(shown["queue_depth"] == metric("dsr_gateway_queue_depth"))
            #expect(shown["validations_failure"] == "1")
            #expect(
                shown["validations_failure"]
                    == metric("dsr_gateway_certificate_validations_total", ["result": "failure"]))
            #expect(shown["deadline_at_risk"] == metric("dsr_gateway_requests_deadline_at_risk"))
            let days = (metrics.value("dsr_gateway_certificate_expires_in_seconds") ?? 0) / 86_400
            #expect(shown["certificate_days_left"] == "\(Int(days.rounded(.down)))")
            for key in ["http_requests", "rate_4xx", "rate_5xx", "latency:P50", "latency:P99", "processor_calls"] {
                #expect(shown[key]?.isEmpty == false, "\(key)")
            }
        }
    }

    @Test func theDashboardAsksABrowserToSignIn() async throws {
        try await GatewayHarness.with { harness in
            let response = try await harness.httpClient.execute(
                HTTPClientRequest(url: "\(await harness.baseURL)/dashboard"), timeout: .seconds(10))
            #expect(response.status == .unauthorized)
            #expect(response.headers.first(name: "WWW-Authenticate")?.hasPrefix("Basic realm=") == true)
        }
    }
}
