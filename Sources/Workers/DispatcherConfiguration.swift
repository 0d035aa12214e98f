import BackgroundWork
import Foundation
import OpenDSR

/// Settings of the outbox dispatcher.
package struct DispatcherConfiguration: Sendable {
    /// Seconds between two scans of the outbox when it was empty.
    package var pollInterval: TimeInterval
    /// Requests claimed and delivered concurrently per scan.
    package var batchSize: Int
    /// Seconds a claimed request is reserved for this dispatcher (default 60; must exceed two calls' timeouts, as a
    /// delivery may submit and then read or cancel).
    package var lease: TimeInterval
    /// Backoff and retry budget for failed deliveries.
    package var retry: RetryPolicy
    /// Ask mParticle to skip the erasure waiting period.
    package var skipWaitingPeriod: Bool
    /// `processor.send_email_identity`: see ``SubmitBodyBuilder/sendEmailIdentity``.
    package var sendEmailIdentity = false

    package init(
        pollInterval: TimeInterval = 1, batchSize: Int = 20, lease: TimeInterval = 60,
        retry: RetryPolicy = RetryPolicy(),
        skipWaitingPeriod: Bool = false
    ) {
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.lease = lease
        self.retry = retry
        self.skipWaitingPeriod = skipWaitingPeriod
    }
}
