import Foundation

/// One queued callback copy: a status change of one request, for one `status_callback_urls` entry.
///
/// The body is rendered and signed when it is sent, so a rotated certificate signs everything sent after it.
struct PendingCallback: Sendable, Equatable {
    let requestId: String
    let url: String
    let status: ProcessorRequestStatus
    let expectedCompletion: Date
    /// Whether `results_url` is set in this copy (a completed access/portability request).
    let hasResults: Bool
    /// Failed delivery attempts so far.
    var attempts: Int = 0
}

/// Counters of callback delivery, for tests, soak runs and the admin listing.
package struct CallbackDeliveryStats: Codable, Sendable, Equatable {
    /// Copies waiting for the next batch (including retries).
    package var queued = 0
    /// Copies answered with a 2xx.
    package var sent = 0
    /// Delivery attempts that failed (non-2xx or transport error); each failed copy is retried.
    package var failed = 0
    /// Copies discarded by the `drop_callback_fraction` fault (never retried).
    package var dropped = 0
    /// Copies given up after `callbackMaxAttempts` failed attempts.
    package var abandoned = 0

    package init() {}

    enum CodingKeys: String, CodingKey {
        case queued, sent, failed, dropped, abandoned
    }
}

/// What happened to one callback copy during a flush.
enum CallbackOutcome: Sendable {
    case delivered(PendingCallback)
    case failed(PendingCallback)
    case dropped(PendingCallback)
    /// Not attempted because an earlier copy for the same request and URL failed in this batch (keeps order).
    case deferred(PendingCallback)
}
