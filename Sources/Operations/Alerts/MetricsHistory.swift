import Foundation

/// Scrapes kept for as long as the longest rule looks back, so counters can be read as increases over a window.
struct MetricsHistory: Sendable {
    private var samples: [(at: Date, metrics: MetricsText)] = []
    /// How far back samples are kept.
    let retention: TimeInterval

    init(retention: TimeInterval) {
        self.retention = retention
    }

    mutating func record(_ metrics: MetricsText, at now: Date) {
        samples.append((now, metrics))
        // Keep the newest sample at or before the cutoff: a window reaching back that far needs a start.
        let keepFrom = countAtOrBefore(now.addingTimeInterval(-retention)) - 1
        if keepFrom > 0 { samples.removeFirst(keepFrom) }
    }

    /// How many samples were taken at or before `date` (samples are in time order: a binary search).
    private func countAtOrBefore(_ date: Date) -> Int {
        var low = 0
        var high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].at <= date { low = middle + 1 } else { high = middle }
        }
        return low
    }

    var latest: MetricsText? { samples.last?.metrics }

    /// Whether the history reaches back to `date`.
    func covers(_ date: Date) -> Bool {
        samples.first.map { $0.at <= date } ?? false
    }

    /// The newest sample at or before `date`, else the oldest one (a window longer than the history so far).
    private func sample(at date: Date) -> MetricsText? {
        let count = countAtOrBefore(date)
        return count > 0 ? samples[count - 1].metrics : samples.first?.metrics
    }

    /// How much the matching series of `name` grew from `start` to `end` (counter resets count from zero).
    func increase(
        _ name: String, _ labels: [String: String], excluding: [String: [String]] = [:], from start: Date, to end: Date
    ) -> Double {
        guard let last = sample(at: end) else { return 0 }
        let first = sample(at: start)
        var total = 0.0
        for series in last.matching(name, labels, excluding: excluding) {
            let before = first?.matching(name, series.labels).first?.value ?? 0
            total += series.value >= before ? series.value - before : series.value
        }
        return total
    }
}
