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
                "directory", default: defaults.directory,
                "where access results archives are stored, sealed at rest (`<id>.zip.sealed`; `dsr-gateway results open`)"
            ),
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

extension AuditCheckpointerConfiguration {
    /// Reads `audit.*`.
    package static func read(_ section: ConfigurationSection) -> AuditCheckpointerConfiguration {
        let defaults = AuditCheckpointerConfiguration()
        return AuditCheckpointerConfiguration(
            origin: section.string(
                "origin", default: defaults.origin,
                "the checkpoints' origin line and a generated key's name (a schema-less URL naming this log)"),
            interval: section.double(
                "checkpoint_interval_seconds", default: defaults.interval, in: 1...86_400,
                "seconds between signed checkpoints of the audit log (one is also signed at shutdown)"),
            copyDirectory: section.optionalString(
                "checkpoint_copy_dir",
                "also write every checkpoint here, ideally storage of another machine: only a copy kept elsewhere "
                    + "catches a truncated or rebuilt log"),
            copyURL: checkpointCopyURL(section),
            signingKey: section.optionalString(
                "signing_key", secret: true, shown: "unset (secret)",
                "the Ed25519 key that signs checkpoints, as `PRIVATE+KEY+<name>+<hash>+<key>`; unset: the key file"),
            previousSigningKey: section.optionalString(
                "previous_signing_key", secret: true, shown: "unset (secret)",
                "during a key rotation, the key being retired: checkpoints are signed with both"),
            keyFile: section.optionalString(
                "signing_key_file",
                shown:
                    "beside the SQLite database (`<path>.audit-key`); with PostgreSQL, this or `audit.signing_key` is required",
                "where the gateway keeps the signing key it generates on first start when `audit.signing_key` is unset "
                    + "(0600; keep it out of the database's backups)"))
    }
}

/// `audit.checkpoint_copy_url`: https, or http to a loopback address only (as for alert destinations).
private func checkpointCopyURL(_ section: ConfigurationSection) -> String? {
    let url = section.optionalString(
        "checkpoint_copy_url",
        "also POST every new checkpoint here (the signed note, `text/plain`; any 2xx accepts it): a witness or a "
            + "collector on another machine")
    if let url { section.requireSecureURL("checkpoint_copy_url", url) }
    return url
}
