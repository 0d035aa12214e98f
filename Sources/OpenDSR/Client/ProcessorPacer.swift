import DSRCore
import Foundation
import Synchronization

/// One pause shared by every call to the processor: after a 429, nothing more is sent to it until the
/// `Retry-After` has passed (on the injected clock), whichever worker makes the call.
package final class ProcessorPacer: Sendable {
    /// The pause after a 429 that carried no `Retry-After`, in seconds.
    package static let defaultPause: TimeInterval = 30

    private let clock: any WallClock
    private let pausedUntil = Mutex<Date?>(nil)

    package init(clock: any WallClock) {
        self.clock = clock
    }

    /// Seconds left in the current pause, or nil when calls may go out.
    package var remainingPause: TimeInterval? {
        let now = clock.now
        return pausedUntil.withLock { until in until.flatMap { $0 > now ? $0.timeIntervalSince(now) : nil } }
    }

    /// Holds every call back for `seconds` from now (never shortening a longer pause already in force).
    package func pause(for seconds: TimeInterval?) {
        let until = clock.now.addingTimeInterval(seconds ?? Self.defaultPause)
        pausedUntil.withLock { current in current = max(current ?? until, until) }
    }
}
