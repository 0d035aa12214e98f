import BackgroundWork
import Foundation
import OpenDSR

/// Settings of the results worker.
package struct ResultsWorkerConfiguration: Sendable {
    /// Where archives are stored.
    package var directory: String
    /// Largest archive accepted, in bytes.
    package var maxBytes: Int
    /// How long stored archives are kept, in seconds.
    package var retention: TimeInterval
    /// Seconds between scans (default 1).
    package var pollInterval: TimeInterval
    /// Backoff for failed downloads.
    package var retry: RetryPolicy

    package init(
        directory: String = "results", maxBytes: Int = 512 << 20, retention: TimeInterval = 30 * 86_400,
        pollInterval: TimeInterval = 1, retry: RetryPolicy = RetryPolicy()
    ) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.retention = retention
        self.pollInterval = pollInterval
        self.retry = retry
    }
}
