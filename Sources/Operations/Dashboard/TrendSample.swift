import Foundation

/// The few numbers of one scrape that the dashboard's windows and charts are computed from: counters and histogram
/// buckets as they stood at `at` (they only grow while the process lives), and the queue depth then. HTTP numbers
/// count the API routes only, as `HighErrorRate` does: health probes, scrapes and the dashboard itself aside.
package struct TrendSample: Sendable {
    package var at: Date
    var requests: Double
    var clientErrors: Double
    var serverErrors: Double
    /// Cumulative counts by upper bound (`le`), every API route together.
    var latencyBuckets: [Double: Double]
    var processorCalls: Double
    var processorSucceeded: Double
    var processorBuckets: [Double: Double]
    var queueDepth: Double
    /// Submissions by "type regulation".
    var submitted: [String: Double]

    package init(_ metrics: MetricsText, at: Date) {
        self.at = at
        let http = MetricsCatalogue.httpRequests.name
        let api = ["route": MetricsCatalogue.operationalRoutes]
        requests = metrics.sum(http, excluding: api)
        clientErrors = metrics.sum(http, ["status_class": "4xx"], excluding: api)
        serverErrors = metrics.sum(http, ["status_class": "5xx"], excluding: api)
        latencyBuckets = Self.buckets(metrics.matching(MetricsCatalogue.httpDuration.name + "_bucket", excluding: api))
        let processor = MetricsCatalogue.processorDuration.name
        processorCalls = metrics.sum(processor + "_count")
        processorSucceeded = metrics.sum(processor + "_count", ["outcome": "success"])
        processorBuckets = Self.buckets(metrics.matching(processor + "_bucket"))
        queueDepth = metrics.value(MetricsCatalogue.queueDepth.name) ?? 0
        submitted = [:]
        for series in metrics.matching(MetricsCatalogue.requestsSubmitted.name) {
            submitted["\(series.labels["type"] ?? "") \(series.labels["regulation"] ?? "")", default: 0] += series.value
        }
    }

    private static func buckets(_ samples: [MetricsText.Sample]) -> [Double: Double] {
        var buckets: [Double: Double] = [:]
        for sample in samples {
            guard let bound = sample.labels["le"].flatMap(MetricsText.bound) else { continue }
            buckets[bound, default: 0] += sample.value
        }
        return buckets
    }
}

/// What happened between two samples: counts, and percentiles of what was observed in between.
struct TrendChange: Sendable {
    var requests: Double
    var clientErrors: Double
    var serverErrors: Double
    var processorCalls: Double
    var processorSucceeded: Double
    var submitted: [String: Double]
    private var latencyBuckets: [Double: Double]
    private var processorBuckets: [Double: Double]

    /// From `start` (nil: the process's start, when every counter was zero) to `end`.
    init(from start: TrendSample?, to end: TrendSample) {
        func grown(_ value: (TrendSample) -> Double) -> Double { max(0, value(end) - (start.map(value) ?? 0)) }
        func grown(_ buckets: (TrendSample) -> [Double: Double]) -> [Double: Double] {
            let before = start.map(buckets) ?? [:]
            return buckets(end).reduce(into: [:]) { $0[$1.key] = max(0, $1.value - (before[$1.key] ?? 0)) }
        }
        requests = grown(\.requests)
        clientErrors = grown(\.clientErrors)
        serverErrors = grown(\.serverErrors)
        processorCalls = grown(\.processorCalls)
        processorSucceeded = grown(\.processorSucceeded)
        latencyBuckets = grown(\.latencyBuckets)
        processorBuckets = grown(\.processorBuckets)
        submitted = end.submitted.reduce(into: [:]) { result, entry in
            result[entry.key] = max(0, entry.value - (start?.submitted[entry.key] ?? 0))
        }
    }

    /// The `quantile` (0…1) of API request latency in seconds; nil without requests.
    func latency(_ quantile: Double) -> Double? { MetricsText.quantile(quantile, cumulative: latencyBuckets) }

    /// The `quantile` (0…1) of processor call latency in seconds; nil without calls.
    func processorLatency(_ quantile: Double) -> Double? {
        MetricsText.quantile(quantile, cumulative: processorBuckets)
    }
}
