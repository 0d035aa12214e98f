import Foundation
import Synchronization

/// The externally reachable base URL of this gateway, used to build and check `status_callback_url`s.
/// Fixed by configuration, or learnt once the server is listening (dev mode with `--port 0`).
package final class PublicBaseURL: Sendable {
    private let value: Mutex<String?>

    package init(_ configured: String?) {
        value = Mutex(configured.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
    }

    /// The base URL, or nil until it is known.
    package var current: String? { value.withLock { $0 } }

    /// Sets the base URL if configuration did not.
    package func learn(_ url: String) {
        value.withLock { if $0 == nil { $0 = url } }
    }

    /// The callback URL the processor must use for one request.
    package func callbackURL(for subjectRequestId: String) -> String? {
        current.map { "\($0)/data-subject-requests/\(subjectRequestId)/callback" }
    }
}
