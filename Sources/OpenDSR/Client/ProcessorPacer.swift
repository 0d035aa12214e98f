import DSRCore
import Foundation
import Synchronization

/// How much of the workspace limit a processor call may use.
package enum CallPriority: Sendable {
    /// Re-reads that can wait (the reconciliation poller): at most half of the rolling minute while other calls are
    /// being made (any in the last 5 s); all of it when nothing else is going on.
    case background
    /// Submissions, deliveries, downloads, cancels: all of the rolling minute but a 1 % reserve (at least one call).
    case normal
    /// The certificate lookup that callback verification waits on: the reserve too, and not held by an open circuit
    /// (a success closes it like a probe's).
    case urgent
}

/// Decides, for every call to the processor, whether it may go out now. The rules, shared by every caller
/// (dispatcher, poller, downloads, cancels), all on the injected clock:
/// - the workspace rate limit: at most `requestsPerMinute` calls in any rolling minute (default 1000) and at most
///   `submissionsPerDay` new requests per UTC day (default 80,000), docs/upstream-apis.md, "Rate limits";
/// - after a 429, nothing is sent until its `Retry-After` has passed;
/// - before a 429: once a 2xx answer's `X-mp-rate-limit-percentage-used` reaches `slowDownFrom` (default 80), calls
///   other than urgent ones are spaced out in proportion to the headroom left: at 90 % half the configured rate, at
///   99 % a twentieth, at 100 % (when other clients' calls, not ours, fill the minute) nothing until that reading is
///   a minute old;
/// - a circuit breaker: after `failureThreshold` consecutive failures (5xx, timeouts) nothing is sent for `openFor`
///   seconds, then one probe is let through; its success closes the circuit, its failure opens it again.
/// Calls have a ``CallPriority``: a backlog of submissions cannot hold back the certificate lookup callbacks wait on,
/// and however many requests are stale, re-reads cannot starve submissions.
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
        var limit: RollingMinuteLimit
        var submissionsDay: Int
        var submissionsToday = 0
        var pausedUntil: Date?
        var circuit = CircuitState.closed
        var failures = 0
        var openUntil: Date?
        var probing = false
        var usage: (percent: Int, at: Date)?
        var lastAdmitted = Date.distantPast
        var lastForeground = Date.distantPast
    }

    private let clock: any WallClock
    private let failureThreshold: Int
    private let openFor: TimeInterval
    private let submissionsPerDay: Int
    private let requestsPerMinute: Int
    private let reserve: Int
    private let fullRateSpacing: TimeInterval
    private let slowDownFrom: Int
    private let state: Mutex<State>

    package init(
        clock: any WallClock, requestsPerMinute: Int = 1000, submissionsPerDay: Int = 80_000, failureThreshold: Int = 5,
        openFor: TimeInterval = 30, slowDownFrom: Int = 80
    ) {
        self.clock = clock
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.reserve = requestsPerMinute > 1 ? max(1, requestsPerMinute / 100) : 0
        self.fullRateSpacing = 60 / Double(max(1, requestsPerMinute))
        self.slowDownFrom = min(max(slowDownFrom, 1), 99)
        self.submissionsPerDay = submissionsPerDay
        self.failureThreshold = failureThreshold
        self.openFor = openFor
        let now = clock.now
        state = Mutex(State(limit: RollingMinuteLimit(perMinute: requestsPerMinute), submissionsDay: Self.day(now)))
    }

    /// Days since 1970 in UTC: the daily submission cap resets at midnight UTC.
    private static func day(_ date: Date) -> Int { Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }

    /// Seconds left in the current 429 pause, or nil when none is in force.
    package var remainingPause: TimeInterval? {
        let now = clock.now
        return state.withLock { state in state.pausedUntil.flatMap { $0 > now ? $0.timeIntervalSince(now) : nil } }
    }

    /// The circuit breaker's current state (for health and the dashboard).
    package var circuit: CircuitState { state.withLock { $0.circuit } }

    /// The pacer's clock reading: answers are judged at the same time their calls were admitted.
    package var now: Date { clock.now }

    /// Holds every call back for `seconds` from now (never shortening a longer pause already in force), at most
    /// ``RetryAfter/maximum``: one answer cannot stop the gateway for longer.
    package func pause(for seconds: TimeInterval?) {
        let wait = seconds.map { $0.isFinite ? min(max($0, 0), RetryAfter.maximum) : Self.defaultPause }
        let until = clock.now.addingTimeInterval(wait ?? Self.defaultPause)
        state.withLock { state in state.pausedUntil = max(state.pausedUntil ?? until, until) }
    }

    /// Nil when a call may go out now (taking a token; in half-open state reserving the single probe); else why not
    /// and for how many seconds. `submission` marks a `POST /requests`, which also counts against the daily cap.
    package func admit(
        submission: Bool = false, priority: CallPriority = .normal
    ) -> (reason: String, wait: TimeInterval)? {
        let now = clock.now
        return state.withLock { state in
            if let until = state.pausedUntil, until > now {
                return ("paused after a 429 from the processor", until.timeIntervalSince(now))
            }
            if Self.day(now) != state.submissionsDay {
                state.submissionsDay = Self.day(now)
                state.submissionsToday = 0
            }
            if submission && state.submissionsToday >= submissionsPerDay {
                let midnight = Date(timeIntervalSince1970: Double(state.submissionsDay + 1) * 86_400)
                return ("daily cap of \(submissionsPerDay) new requests reached", midnight.timeIntervalSince(now))
            }
            if let held = share(priority, &state, now: now) { return held }
            if priority != .urgent, let held = Self.circuitHolds(&state, now: now) { return held }
            if let held = (priority == .urgent ? nil : slowDownHolds(state, now: now))
                ?? state.limit.take(at: now).map({ ("workspace rate limit", $0) })
            {
                state.probing = false
                return held
            }
            if submission { state.submissionsToday += 1 }
            state.lastAdmitted = now
            return nil
        }
    }

    /// Holds a call that would take more of the rolling minute than its priority may.
    private func share(_ priority: CallPriority, _ state: inout State, now: Date) -> (
        reason: String, wait: TimeInterval
    )? {
        switch priority {
        case .urgent:
            return nil
        case .normal:
            state.lastForeground = now
            return state.limit.wait(below: requestsPerMinute - reserve, at: now).map {
                ("workspace rate limit (a reserve is kept for certificate lookups)", $0)
            }
        case .background:
            guard now.timeIntervalSince(state.lastForeground) < 5 else { return nil }
            return state.limit.wait(below: (requestsPerMinute + 1) / 2, at: now).map {
                ("half the workspace limit in use; background reads wait", $0)
            }
        }
    }

    /// Records the processor's `X-mp-rate-limit-percentage-used` from a 2xx answer.
    package func observe(percentageUsed: Int) {
        let now = clock.now
        state.withLock { $0.usage = (min(max(percentageUsed, 0), 100), now) }
    }

    /// The processor's latest fresh usage reading in percent (for metrics and health), nil when none is fresh.
    package var reportedUsage: Int? {
        let now = clock.now
        return state.withLock { state in Self.freshUsage(state, now: now) }
    }

    private static func freshUsage(_ state: State, now: Date) -> Int? {
        guard let usage = state.usage, now.timeIntervalSince(usage.at) < 60 else { return nil }
        return usage.percent
    }

    /// The gap to keep since the last admitted call while the processor reports high usage, or nil at full rate.
    private func slowDownHolds(_ state: State, now: Date) -> (reason: String, wait: TimeInterval)? {
        guard let usage = state.usage, let percent = Self.freshUsage(state, now: now), percent >= slowDownFrom else {
            return nil
        }
        let next: Date
        if percent >= 100 {
            // Our own calls filled the processor's minute: the rolling limit already waits exactly as long as needed.
            if state.limit.used(at: usage.at) >= requestsPerMinute { return nil }
            // Others' calls did: the next one would be refused until that minute has rolled on.
            next = usage.at.addingTimeInterval(60)
        } else {
            next = state.lastAdmitted.addingTimeInterval(
                fullRateSpacing * Double(100 - slowDownFrom) / Double(100 - percent))
        }
        guard next > now else { return nil }
        // The same words whatever the percentage, so a request held pass after pass records it once (the figure is in
        // `/health` and the usage gauge).
        return ("processor reports \(slowDownFrom) % or more of its rate limit used", next.timeIntervalSince(now))
    }

    /// The breaker's answer: nil lets the call through (reserving the probe when half-open).
    private static func circuitHolds(_ state: inout State, now: Date) -> (reason: String, wait: TimeInterval)? {
        switch state.circuit {
        case .closed:
            return nil
        case .open where (state.openUntil ?? now) > now:
            return ("circuit open after repeated processor failures", (state.openUntil ?? now).timeIntervalSince(now))
        case .open, .halfOpen:
            guard !state.probing else { return ("circuit half-open, a probe is in flight", 1) }
            state.circuit = .halfOpen
            state.probing = true
            return nil
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
