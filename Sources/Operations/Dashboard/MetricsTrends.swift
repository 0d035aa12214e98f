import Foundation
import Synchronization

/// This process's scrapes, reduced to ``TrendSample``s and kept for a day: the history behind the dashboard's windows
/// (last 5 minutes, last hour) and charts (last hour, last day). The alert evaluation loop records one per round (every
/// 30 s by default: 2,880 small samples a day). Each instance keeps its own, from its own start.
package final class MetricsTrends: Sendable {
    private let samples = Mutex<[TrendSample]>([])
    /// How far back samples are kept: the longest chart plus one step, so its first step has a start.
    static let retention: TimeInterval = TrendChart.Span.day.duration + TrendChart.Span.day.step

    package init() {}

    package func record(_ metrics: MetricsText, at now: Date) {
        let sample = TrendSample(metrics, at: now)
        samples.withLock { samples in
            samples.append(sample)
            let cutoff = now.addingTimeInterval(-Self.retention)
            if let keep = samples.firstIndex(where: { $0.at >= cutoff }), keep > 0 { samples.removeFirst(keep) }
        }
    }

    /// The samples, oldest first.
    package var history: [TrendSample] { samples.withLock { $0 } }
}

/// A history of samples and the sample of this moment, read as windows and steps.
struct TrendHistory: Sendable {
    let samples: [TrendSample]
    let now: TrendSample

    /// The newest sample at or before `date` (`now` for the present); nil before the first one, where every counter
    /// was still zero.
    func sample(at date: Date) -> TrendSample? {
        if date >= now.at { return now }
        // Samples are in time order: a binary search (a page asks this 156 times per chart, over up to 2,880 samples).
        var low = 0
        var high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].at <= date { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? samples[low - 1] : nil
    }

    /// What happened in the `seconds` before now.
    func change(overLast seconds: TimeInterval) -> TrendChange {
        TrendChange(from: sample(at: now.at.addingTimeInterval(-seconds)), to: now)
    }

    /// Since when the history reaches back (this process's first recorded scrape, or now).
    var since: Date { samples.first?.at ?? now.at }
}
