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
/// to `/metrics`, "degraded" while a 429 pause holds processor calls, and charts that draw the history minute by
/// minute.
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
            for key in [
                "requests:5m", "requests:1h", "rate_5xx:5m", "latency:P50", "latency:P99", "processor_calls:1h",
            ] {
                #expect(shown[key]?.isEmpty == false, "\(key)")
            }
        }
    }

    /// The `data-values` of one chart, and how many points its polyline draws.
    static func chart(_ key: String, in dom: String) throws -> (values: [String], drawn: Int) {
        let pattern = try NSRegularExpression(
            pattern: #"data-chart="\#(key)" data-values="([^"]*)"[^>]*>.*?<polyline points="([^"]*)""#)
        guard let match = pattern.firstMatch(in: dom, range: NSRange(dom.startIndex..., in: dom)),
            let values = Range(match.range(at: 1), in: dom), let points = Range(match.range(at: 2), in: dom)
        else { return ([], 0) }
        let drawn = dom[points].split(separator: " ").count
        return (dom[values].split(separator: ",", omittingEmptySubsequences: false).map(String.init), drawn)
    }

    @Test func chartsAndWindowsShowWhatHappenedMinuteByMinute() async throws {
        // Rounds every 0.1 s of real time, so the test's clock steps are each closed by a round quickly.
        try await GatewayHarness.with(gateway: { $0.alerts.evaluationInterval = 0.1 }) { harness in
            let api = try await harness.api
            @Sendable func samplesKept() async throws -> Int {
                let page = String(decoding: try await api.send(.GET, "/dashboard").body, as: UTF8.self)
                return Int(try Self.numbers(in: page)["trend_samples"] ?? "") ?? 0
            }
            /// Two more rounds: the second one certainly started after whatever came before.
            func twoRounds() async throws {
                let kept = try await samplesKept()
                try await harness.eventually("two more rounds") { try await samplesKept() >= kept + 2 }
            }
            func refused(_ count: Int) async throws {
                for _ in 0..<count {
                    #expect(try await api.send(.GET, "/data-subject-requests/not-a-request-id").status == 400)
                }
                try await twoRounds()
            }
            // What happens at a moment belongs to the minute that ends then: 3 refusals at start-up, 1 a minute
            // later, none in the minute after that.
            try await refused(3)
            try await harness.advance(by: 60)
            try await refused(1)
            try await harness.advance(by: 60)
            try await twoRounds()

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = "http://ops:\(harness.apiKey)@127.0.0.1:\(await harness.baseURL.split(separator: ":").last!)"
            let dom = try await HeadlessChromium.render(
                url + "/dashboard", screenshot: directory.appendingPathComponent("dashboard.png"))
            let shown = try Self.numbers(in: dom)

            // The last hour, a minute a step: the 57 steps before start-up are gaps, then the minute that ended at
            // start-up and the two after it.
            let hour = try Self.chart("http_4xx-hour", in: dom)
            #expect(hour.values.count == 60)
            #expect(hour.values.filter(\.isEmpty).count == 57)
            #expect(hour.values.suffix(3) == ["3", "1", "0"])
            #expect(hour.drawn == 3)
            // The last day, 15 minutes a step: everything in the newest step.
            let day = try Self.chart("http_4xx-day", in: dom)
            #expect(day.values.count == 96)
            #expect(day.values.last == "4")
            #expect(day.drawn == 1)
            #expect(try Self.chart("http_5xx-hour", in: dom).values.suffix(2) == ["0", "0"])
            #expect(try Self.chart("queue_depth-hour", in: dom).values.suffix(2) == ["0", "0"])
            for key in ["requests", "latency_p95", "processor_p95", "queue_depth"] {
                #expect(try Self.chart("\(key)-hour", in: dom).values.count == 60, "\(key)")
                #expect(try Self.chart("\(key)-day", in: dom).values.count == 96, "\(key)")
            }
            // Windows: all four refusals fall in the last 5 minutes and the last hour, and they are every API request.
            #expect(shown["rate_4xx:5m"] == "100.0 %")
            #expect(shown["rate_4xx:1h"] == "100.0 %")
            #expect(shown["requests:5m"] == "4")
            #expect(shown["requests:1h"] == "4")
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
