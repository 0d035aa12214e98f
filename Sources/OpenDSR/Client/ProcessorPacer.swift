import DSRCore
import Foundation
import Synchronization

/// Decides, for every call to the processor, whether it may go out now. Two rules, shared by every caller
/// (dispatcher, poller, downloads, cancels):
/// - after a 429, nothing is sent until its `Retry-After` has passed (on the injected clock);
/// - a circuit breaker: after `failureThreshold` consecutive failures (5xx, timeouts) nothing is sent for `openFor`
///   seconds, then one probe is let through; its success closes the circuit, its failure opens it again.
/// Held calls are answered `.held` without reaching the processor, so an outage becomes queued work.
package final class ProcessorPacer: Sendable {
    /// The pause after a 429 that carried no `Retry-After`, in seconds.
    package static let defaultPause: TimeInterval = 30

    /// The circuit breaker's state.
    package enum CircuitState: String, Sendable {
        case closed, open
        case halfOpen = "half_open"
    }

    private struct State {
        var pausedUntil: Date?
        var circuit = CircuitState.closed
        var failures = 0
        var openUntil: Date?
        var probing = false
    }

    private let clock: any WallClock
    private let failureThreshold: Int
    private let openFor: TimeInterval
    private let state = Mutex(State())

    package init(clock: any WallClock, failureThreshold: Int = 5, openFor: TimeInterval = 30) {
        self.clock = clock
        self.failureThreshold = failureThreshold
        self.openFor = openFor
    }

    /// Seconds left in the current 429 pause, or nil when none is in force.
    package var remainingPause: TimeInterval? {
        let now = clock.now
        return state.withLock { state in state.pausedUntil.flatMap { $0 > now ? $0.timeIntervalSince(now) : nil } }
    }

    /// The circuit breaker's current state (for health and the dashboard).
    package var circuit: CircuitState { state.withLock { $0.circuit } }

    /// Holds every call back for `seconds` from now (never shortening a longer pause already in force).
    package func pause(for seconds: TimeInterval?) {
        let until = clock.now.addingTimeInterval(seconds ?? Self.defaultPause)
        state.withLock { state in state.pausedUntil = max(state.pausedUntil ?? until, until) }
    }

    /// Nil when a call may go out now (in half-open state this reserves the single probe); else why not and for how
    /// many seconds.
    package func admit() -> (reason: String, wait: TimeInterval)? {
        let now = clock.now
        return state.withLock { state in
            if let until = state.pausedUntil, until > now {
                return ("paused after a 429 from the processor", until.timeIntervalSince(now))
            }
            switch state.circuit {
            case .closed:
                return nil
            case .open where (state.openUntil ?? now) > now:
                return (
                    "circuit open after repeated processor failures", (state.openUntil ?? now).timeIntervalSince(now)
                )
            case .open, .halfOpen:
                guard !state.probing else { return ("circuit half-open, a probe is in flight", 1) }
                state.circuit = .halfOpen
                state.probing = true
                return nil
            }
        }
    }

    /// Records how an admitted call went: `reachable` is false for 5xx, timeouts and connection failures.
    package func record(reachable: Bool) {
        let now = clock.now
        state.withLock { state in
            state.probing = false
            if reachable {
                state.circuit = .closed
                state.failures = 0
                return
            }
            state.failures += 1
            if state.circuit == .halfOpen || state.failures >= failureThreshold {
                state.circuit = .open
                state.openUntil = now.addingTimeInterval(openFor)
            }
        }
    }
}
