import Foundation
import Settings

/// Poll intervals: above zero (a core would spin while idle) and at most a day.
private let pollIntervals = 0.01...86_400.0

extension DispatcherConfiguration {
    /// Reads `dispatcher.*`.
    package static func read(_ section: ConfigurationSection) -> DispatcherConfiguration {
        let defaults = DispatcherConfiguration()
        return DispatcherConfiguration(
            pollInterval: section.double(
                "poll_interval_seconds", default: defaults.pollInterval, in: pollIntervals,
                "how often the outbox is scanned when it was empty"),
            batchSize: section.int(
                "batch_size", default: defaults.batchSize, in: 1...1000,
                "requests claimed per scan and delivered concurrently"),
            skipWaitingPeriod: section.bool(
                "skip_waiting_period", default: defaults.skipWaitingPeriod,
                "ask mParticle to skip the 7-day erasure waiting period"))
    }
}

extension ResultsWorkerConfiguration {
    /// Reads `results.*`.
    package static func read(_ section: ConfigurationSection) -> ResultsWorkerConfiguration {
        let defaults = ResultsWorkerConfiguration()
        return ResultsWorkerConfiguration(
            directory: section.string(
                "directory", default: defaults.directory, "where access results archives are stored"),
            maxBytes: section.int(
                "max_bytes", default: defaults.maxBytes, in: .positive, shown: "512 MiB",
                "largest results archive accepted, in bytes"),
            retention: Double(
                section.int(
                    "retention_days", default: Int(defaults.retention / 86_400), in: 1...3650,
                    "stored archives are deleted (and the deletion audited) after this many days")) * 86_400,
            pollInterval: section.double(
                "poll_interval_seconds", default: defaults.pollInterval, in: pollIntervals,
                "how often the results worker looks for due downloads"))
    }
}

extension ReconciliationConfiguration {
    /// Reads `poller.*`.
    package static func read(_ section: ConfigurationSection) -> ReconciliationConfiguration {
        let defaults = ReconciliationConfiguration()
        return ReconciliationConfiguration(
            staleAfter: section.double(
                "stale_after_seconds", default: defaults.staleAfter, in: 1...(30 * 86_400), shown: "`21600` (6 h)",
                "a request in flight that has not moved for this long is re-read from the processor, then not again "
                    + "for as long (at start-up every request in flight whose next re-read is due)"),
            pollInterval: section.double(
                "poll_interval_seconds", default: defaults.pollInterval, in: pollIntervals,
                "how often the poller looks for stale requests"))
    }
}
