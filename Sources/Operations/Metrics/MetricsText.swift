/// A Prometheus text exposition read back into samples: what the dashboard shows is computed from exactly the text
/// `/metrics` serves.
package struct MetricsText: Sendable {
    /// One sample line.
    package struct Sample: Sendable {
        package var name: String
        package var labels: [String: String]
        package var value: Double
    }

    package let text: String
    package private(set) var samples: [Sample] = []

    /// Samples without their text (what the alert history keeps).
    private init(samples: [Sample]) {
        text = ""
        self.samples = samples
    }

    /// The samples of the family `name`: the metric itself and its `_bucket`, `_count` and `_sum` series.
    package func family(_ name: String) -> MetricsText {
        let names: Set = [name, name + "_bucket", name + "_count", name + "_sum"]
        return MetricsText(samples: samples.filter { names.contains($0.name) })
    }

    package init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                samples.append(Sample(name: String(series), labels: [:], value: value))
                continue
            }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",")
            {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            samples.append(Sample(name: String(series[..<brace]), labels: labels, value: value))
        }
    }

    /// The first sample of `name` whose labels include `labels`.
    package func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        matching(name, labels).first?.value
    }

    /// The sum over every sample of `name` whose labels include `labels` (and no value in `excluding`).
    package func sum(_ name: String, _ labels: [String: String] = [:], excluding: [String: [String]] = [:]) -> Double {
        matching(name, labels, excluding: excluding).reduce(0) { $0 + $1.value }
    }

    /// Every sample of `name` whose labels include `labels`.
    package func matching(
        _ name: String, _ labels: [String: String] = [:], excluding: [String: [String]] = [:]
    ) -> [Sample] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value }
                && !excluding.contains { key, values in sample.labels[key].map(values.contains) ?? false }
        }
    }

    /// The `quantile` (0…1) of histogram `name` over every series matching `labels`, interpolated inside the bucket
    /// as Prometheus' `histogram_quantile` does; nil without observations.
    package func quantile(_ quantile: Double, of name: String, _ labels: [String: String] = [:]) -> Double? {
        Self.quantile(quantile, buckets: matching(name + "_bucket", labels).map { ($0.labels["le"] ?? "", $0.value) })
    }

    /// The quantile of cumulative bucket counts given as (`le`, count) pairs, several series summed per bound.
    package static func quantile(_ quantile: Double, buckets: [(le: String, count: Double)]) -> Double? {
        var cumulative: [Double: Double] = [:]
        for bucket in buckets {
            guard let bound = bound(bucket.le) else { continue }
            cumulative[bound, default: 0] += bucket.count
        }
        return Self.quantile(quantile, cumulative: cumulative)
    }

    /// A bucket's upper bound from its `le` label (`+Inf` is `.infinity`).
    package static func bound(_ le: String) -> Double? { le == "+Inf" ? .infinity : Double(le) }

    /// The quantile of cumulative counts by upper bound (`+Inf` as `.infinity`).
    package static func quantile(_ quantile: Double, cumulative: [Double: Double]) -> Double? {
        let sorted = cumulative.sorted { $0.key < $1.key }
        guard let total = sorted.last?.value, total > 0 else { return nil }
        let rank = quantile * total
        var lower = (bound: 0.0, count: 0.0)
        for (bound, count) in sorted {
            if count >= rank {
                guard bound.isFinite else { return lower.bound }
                return lower.bound + (bound - lower.bound) * (rank - lower.count) / max(count - lower.count, 1)
            }
            lower = (bound, count)
        }
        return lower.bound
    }
}
