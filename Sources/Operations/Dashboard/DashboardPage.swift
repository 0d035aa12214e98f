import CallbackVerification
import DSRCore
import Foundation
import Persistence

/// The operations dashboard as one self-contained HTML page (inline CSS and SVG, no scripts, no external resources),
/// computed from the same exposition `/metrics` serves and the health report. Every number sits in an element with
/// `data-metric`, every panel in a `section` with `data-panel`, so tests (and scrapers) can read them.
package struct DashboardPage: Sendable {
    let metrics: MetricsText
    let health: HealthReport
    /// The alerts firing or pending.
    let alerts: [(rule: AlertRule, state: AlertState)]
    /// Traffic, errors and latency over the last 5 minutes and hour, and the charts, come from here.
    let trends: TrendHistory

    /// `history` is this process's recorded samples (``MetricsTrends``); `metrics` is the scrape of this moment, taken
    /// at `now`.
    package init(
        metrics: MetricsText, health: HealthReport, alerts: [(rule: AlertRule, state: AlertState)] = [],
        history: [TrendSample] = [], now: Date
    ) {
        self.metrics = metrics
        self.health = health
        self.alerts = alerts
        trends = TrendHistory(samples: history, now: TrendSample(metrics, at: now))
    }

    /// The panels in page order; the raw value is the section's `data-panel`.
    package enum Panel: String, CaseIterable, Sendable {
        case status, alerts, volume, errors, latency, processor, certificate, baton, states, deadlines, queue

        var title: String {
            switch self {
            case .status: "Status"
            case .alerts: "Alerts"
            case .volume: "Request volume"
            case .errors: "Error rates"
            case .latency: "HTTP latency"
            case .processor: "Processor"
            case .certificate: "Callback certificate"
            case .baton: "Baton calls"
            case .states: "Requests by state"
            case .deadlines: "Deadlines"
            case .queue: "Dispatcher queue"
            }
        }
    }

    package var html: String {
        let body = Panel.allCases.map { panel in
            "<section data-panel=\"\(panel.rawValue)\"><h2>\(panel.title)</h2>\(content(panel))</section>"
        }.joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>dsr-gateway — \(health.status)</title>
            <link rel="icon" href="data:,">
            <style>
            body{font:14px system-ui,sans-serif;margin:16px;background:#f6f7f9;color:#1d2330}
            h1{font-size:20px;margin:0 0 12px} h2{font-size:14px;margin:0 0 8px;color:#4a5160}
            main{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
            section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px}
            .big{font-size:26px;font-weight:600} .healthy{color:#1f7a3a} .degraded{color:#a46200}
            .unhealthy{color:#b3261e} table{border-collapse:collapse;width:100%} td{padding:2px 4px}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            </style></head><body>
            <h1>dsr-gateway <span class="\(health.status)" data-metric="status">\(health.status)</span>
            <small>at \(health.timestamp)</small></h1>
            <main>
            \(body)
            </main></body></html>
            """
    }

    private func content(_ panel: Panel) -> String {
        switch panel {
        case .status:
            let processor = health.checks["processor"]
            return big("health", health.status)
                + table([
                    ("circuit", "circuit", processor?.circuit ?? "unknown"),
                    ("processor check", "processor_check", processor?.status.rawValue ?? "unknown"),
                    ("store check", "store_check", health.checks["store"]?.status.rawValue ?? "unknown"),
                    ("history since", "history_since", Timestamp.format(trends.since)),
                    ("samples kept", "trend_samples", String(trends.samples.count)),
                ])
        case .alerts:
            let firing = alerts.filter { $0.state.phase == .firing }.count
            guard !alerts.isEmpty else { return big("alerts_firing", "0") + "<div>no alert firing or pending</div>" }
            return big("alerts_firing", String(firing)) + "<div>firing</div><table>"
                + alerts.map { rule, state in
                    let since = Timestamp.format(state.since)
                    return "<tr class=\"\(state.phase == .firing ? "unhealthy" : "degraded")\">"
                        + "<td>\(escape(rule.name))</td><td>\(rule.severity.rawValue)</td>"
                        + "<td data-metric=\"alert:\(escape(rule.name))\">\(state.phase.rawValue)</td>"
                        + "<td>since \(since)</td></tr>"
                }.joined() + "</table>"
        case .volume:
            let hour = trends.change(overLast: 3600)
            return big("requests:5m", number(trends.change(overLast: 300).requests))
                + "<div>API requests in the last 5 minutes (\(number(hour.requests)) in the last hour)</div>"
                + table([("last hour", "requests:1h", number(hour.requests))])
                + bars(hour.submitted.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, key: "submitted")
                + charts("requests", .change { $0.requests })
        case .errors:
            let rows = [("5 min", "5m", 300.0), ("hour", "1h", 3600.0)].flatMap { label, suffix, seconds in
                let change = trends.change(overLast: seconds)
                let share = { (count: Double) in percent(change.requests == 0 ? 0 : count / change.requests) }
                return [
                    ("4xx, last \(label)", "rate_4xx:\(suffix)", share(change.clientErrors)),
                    ("5xx, last \(label)", "rate_5xx:\(suffix)", share(change.serverErrors)),
                ]
            }
            return table(rows) + "<div>4xx answers</div>" + charts("http_4xx", .change { $0.clientErrors })
                + "<div>5xx answers</div>" + charts("http_5xx", .change { $0.serverErrors })
        case .latency:
            let recent = trends.change(overLast: 300)
            let quantiles = [("P50", 0.5), ("P90", 0.9), ("P95", 0.95), ("P99", 0.99)].map { label, q in
                (label, (recent.latency(q) ?? 0) * 1000)
            }
            return "<div>last 5 minutes</div>" + bars(quantiles, key: "latency", unit: " ms")
                + table([
                    ("P95, last hour", "latency_p95:1h", milliseconds(trends.change(overLast: 3600).latency(0.95)))
                ])
                + "<div>P95 (ms)</div>"
                + charts("latency_p95", .change { $0.latency(0.95).map { $0 * 1000 } }, unit: " ms")
        case .processor:
            let recent = trends.change(overLast: 300)
            let hour = trends.change(overLast: 3600)
            return table([
                ("calls, last 5 min", "processor_calls:5m", number(recent.processorCalls)),
                ("calls, last hour", "processor_calls:1h", number(hour.processorCalls)),
                (
                    "success rate, last hour", "processor_success_rate:1h",
                    percent(hour.processorCalls == 0 ? 1 : hour.processorSucceeded / hour.processorCalls)
                ),
                ("P95 latency, last 5 min", "processor_p95_ms:5m", milliseconds(recent.processorLatency(0.95))),
                (
                    "reported usage", "processor_usage",
                    percent((metrics.value(MetricsCatalogue.processorUsage.name) ?? 0) / 100)
                ),
            ])
                + "<div>P95 (ms)</div>"
                + charts("processor_p95", .change { $0.processorLatency(0.95).map { $0 * 1000 } }, unit: " ms")
        case .certificate:
            let seconds = metrics.matching(MetricsCatalogue.certificateExpiry.name).map(\.value).min()
            return big("certificate_days_left", seconds.map { "\(ValidatedCertificate.wholeDays($0))" } ?? "unknown")
                + "<div>days left (\(health.checks["certificate"]?.status.rawValue ?? "unknown"))</div>"
                + table([
                    (
                        "validations ok", "validations_success",
                        number(metrics.sum(MetricsCatalogue.certificateValidations.name, ["result": "success"]))
                    ),
                    (
                        "validations failed", "validations_failure",
                        number(metrics.sum(MetricsCatalogue.certificateValidations.name, ["result": "failure"]))
                    ),
                ])
        case .baton:
            return bars(
                metrics.matching(MetricsCatalogue.batonCalls.name).map {
                    ("\($0.labels["request_type"] ?? "") \($0.labels["action"] ?? "")", $0.value)
                }, key: "baton")
        case .states:
            return bars(
                metrics.matching(MetricsCatalogue.requestsByState.name).map { ($0.labels["state"] ?? "", $0.value) }
                    .sorted { $0.0 < $1.0 }, key: "state")
        case .deadlines:
            return table([
                (
                    "at risk (< 7 days)", "deadline_at_risk",
                    number(metrics.value(MetricsCatalogue.deadlineAtRisk.name))
                ),
                ("past deadline", "deadline_passed", number(metrics.value(MetricsCatalogue.deadlinePassed.name))),
            ])
        case .queue:
            return big("queue_depth", number(metrics.value(MetricsCatalogue.queueDepth.name))) + "<div>queued</div>"
                + table([
                    (
                        "oldest waiting", "queue_oldest_seconds",
                        number(metrics.value(MetricsCatalogue.queueOldestAge.name)) + " s"
                    )
                ]) + charts("queue_depth", .level { $0.queueDepth })
        }
    }

    /// The last hour's and the last day's chart of one measure.
    private func charts(_ key: String, _ measure: TrendChart.Measure, unit: String = "") -> String {
        TrendChart.Span.allCases.map { TrendChart(key: key, span: $0, measure: measure, unit: unit).svg(trends) }
            .joined()
    }

    private func big(_ key: String, _ value: String) -> String {
        "<div class=\"big\" data-metric=\"\(key)\">\(escape(value))</div>"
    }

    private func table(_ rows: [(String, String, String)]) -> String {
        "<table>"
            + rows.map { label, key, value in
                "<tr><td>\(label)</td><td class=\"n\" data-metric=\"\(key)\">\(escape(value))</td></tr>"
            }.joined() + "</table>"
    }

    /// A horizontal bar chart in inline SVG; each value also in a `data-metric="key:label"` text element.
    private func bars(_ rows: [(String, Double)], key: String, unit: String = "") -> String {
        guard !rows.isEmpty else { return "<div>none yet</div>" }
        let largest = max(rows.map(\.1).max() ?? 0, 1)
        let height = rows.count * 22
        let rects = rows.enumerated().map { index, row in
            let y = index * 22
            let width = Int(160 * row.1 / largest)
            let shown = unit.isEmpty ? number(row.1) : String(format: "%.1f", row.1) + unit
            return """
                <text x="0" y="\(y + 15)">\(escape(row.0))</text>\
                <rect x="110" y="\(y + 4)" width="\(width)" height="14" fill="#4c78a8"/>\
                <text x="\(114 + width)" y="\(y + 15)" data-metric="\(key):\(escape(row.0))">\(shown)</text>
                """
        }.joined()
        return "<svg width=\"100%\" height=\"\(height)\" viewBox=\"0 0 330 \(height)\" font-size=\"12\">\(rects)</svg>"
    }

    private func number(_ value: Double?) -> String {
        guard let value else { return "0" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    private func percent(_ fraction: Double) -> String { String(format: "%.1f %%", fraction * 100) }

    private func milliseconds(_ seconds: Double?) -> String {
        seconds.map { String(format: "%.1f ms", $0 * 1000) } ?? "none yet"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
