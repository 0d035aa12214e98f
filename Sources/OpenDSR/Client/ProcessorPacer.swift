import DSRCore
import Foundation
import Logging
import Synchronization

/// Decides, for every call to the processor, whether it may go out now. Every caller (dispatcher, poller, downloads,
/// cancels, certificate lookups) asks it first, and a held call is answered `.held` without reaching the processor,
/// so an outage or a spent limit becomes queued work.
///
/// What the whole fleet shares lives in the store's ``WorkspaceBudget``, changed through the
/// ``WorkspaceBudgetLedger`` by the ``WorkspaceLimits`` rules for every call: the rolling-minute permits, the daily
/// submission cap, the pause after a 429, the processor's usage reading and the priorities. What stays with this
/// instance is its circuit breaker — after `failureThreshold` consecutive failures (5xx, timeouts) nothing is sent for
/// `openFor` seconds, then one probe is let through; its success closes the circuit, its failure opens it again — since
/// each instance judges the processor by the calls it makes itself. When the store cannot be reached nothing is sent:
/// without the budget no instance can know the limit is kept.
package final class ProcessorPacer: Sendable {
    /// The circuit breaker's state.
    package enum CircuitState: String, Sendable {
        case closed, open
        case halfOpen = "half_open"
    }

    private struct State {
        var circuit = CircuitState.closed
        var failures = 0
        var openUntil: Date?
        var probing = false
        /// The latest usage reading this instance saw, on its own clock, until the budget has it.
        var unsharedUsage: UsageReading?
        /// The fleet's pause as last seen, on this instance's clock.
        var pausedUntil: Date?
        var usage: UsageReading?
        /// The budget's latest hold of each kind of call: the calls asking while it is reused are held without a
        /// transaction each on the budget's row.
        var held: [CallKind: Hold] = [:]
    }

    /// The budget's answer that held a call: why, until when, and until when this instance reuses it.
    private struct Hold {
        var reason: String
        var ends: Date
        var reusedUntil: Date
    }

    /// A kind of call the budget answers alike.
    private struct CallKind: Hashable {
        var submission: Bool
        var priority: CallPriority
    }

    /// How long the budget's hold of a kind of call is reused at most. Permits only come back at the times holds name,
    /// but a background call's hold can end early (when other calls stop) and another instance's 429 pause can start:
    /// a second of reuse delays either by at most a second.
    package static let heldAnswerReuse: TimeInterval = 1

    /// How long a call is held when the budget cannot be read.
    package static let storeUnavailableWait: TimeInterval = 5

    private let clock: any WallClock
    private let ledger: any WorkspaceBudgetLedger
    private let limits: WorkspaceLimits
    private let failureThreshold: Int
    private let openFor: TimeInterval
    private let logger: Logger
    private let state = Mutex(State())

    package init(
        clock: any WallClock, ledger: any WorkspaceBudgetLedger, limits: WorkspaceLimits = WorkspaceLimits(),
        failureThreshold: Int = 5, openFor: TimeInterval = 30,
        logger: Logger = Logger(label: "dsr-gateway.pacer", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.clock = clock
        self.ledger = ledger
        self.limits = limits
        self.failureThreshold = failureThreshold
        self.openFor = openFor
        self.logger = logger
    }

    /// Seconds left in the current 429 pause as this instance last saw it, or nil when none is in force.
    package var remainingPause: TimeInterval? {
        let now = clock.now
        return state.withLock { state in state.pausedUntil.flatMap { $0 > now ? $0.timeIntervalSince(now) : nil } }
    }

    /// The circuit breaker's current state (for health and the dashboard).
    package var circuit: CircuitState { state.withLock { $0.circuit } }

    /// The pacer's clock reading: answers are judged at the same time their calls were admitted.
    package var now: Date { clock.now }

    /// The processor's latest fresh usage reading in percent, from any instance (for metrics and health), nil when
    /// none is fresh.
    package var reportedUsage: Int? {
        let now = clock.now
        return state.withLock { $0.usage?.percent(freshAt: now) }
    }

    /// Holds every call of the fleet back for `seconds` from now (see ``WorkspaceLimits/pause(_:for:at:)``). This
    /// instance holds back even when the store cannot be told.
    package func pause(for seconds: TimeInterval?) async {
        let now = clock.now
        let until = now.addingTimeInterval(WorkspaceLimits.pauseLength(seconds))
        state.withLock { state in state.pausedUntil = max(state.pausedUntil ?? until, until) }
        let limits = limits
        do {
            try await ledger.changeWorkspaceBudget(at: now) { budget, ledgerNow in
                limits.pause(&budget, for: seconds, at: ledgerNow)
            }
        } catch {
            logger.warning(
                "429 pause not shared with the fleet: store unavailable", metadata: ["error.type": "\(type(of: error))"]
            )
        }
    }

    /// Records the processor's `X-mp-rate-limit-percentage-used` from a 2xx answer; the budget gets it with this
    /// instance's next call.
    package func observe(percentageUsed: Int) {
        let reading = UsageReading(percent: min(max(percentageUsed, 0), 100), at: clock.now)
        state.withLock { state in
            state.unsharedUsage = reading
            state.usage = reading
        }
    }

    /// Nil when a call may go out now (taking a permit; in half-open state reserving the single probe); else why not
    /// and for how many seconds. `submission` marks a `POST /requests`, which also counts against the daily cap.
    package func admit(
        submission: Bool = false, priority: CallPriority = .normal
    ) async -> (reason: String, wait: TimeInterval)? {
        let now = clock.now
        let kind = CallKind(submission: submission, priority: priority)
        let (local, reading) = state.withLock { state -> ((reason: String, wait: TimeInterval)?, UsageReading?) in
            if let held = Self.knownHold(state, kind, now: now) { return (held, nil) }
            return (priority == .urgent ? nil : Self.circuitHolds(&state, now: now), state.unsharedUsage)
        }
        if let local { return local }
        let limits = limits
        let decision: (held: (reason: String, wait: TimeInterval)?, pause: TimeInterval?, usage: UsageReading?)
        do {
            decision = try await ledger.changeWorkspaceBudget(at: now) { budget, ledgerNow in
                if let reading {
                    // The reading's age carries over; its instant does not (the ledger may keep another clock).
                    let at = ledgerNow.addingTimeInterval(-now.timeIntervalSince(reading.at))
                    limits.observe(&budget, percentageUsed: reading.percent, at: at)
                }
                let held = limits.admit(&budget, submission: submission, priority: priority, at: ledgerNow)
                let usage = budget.usage.map {
                    UsageReading(percent: $0.percent, at: now.addingTimeInterval($0.at.timeIntervalSince(ledgerNow)))
                }
                return (held, budget.pausedUntil.map { $0.timeIntervalSince(ledgerNow) }, usage)
            }
        } catch {
            state.withLock { $0.probing = false }
            logger.warning("processor call held: store unavailable", metadata: ["error.type": "\(type(of: error))"])
            return ("workspace budget unavailable (store unreachable)", Self.storeUnavailableWait)
        }
        state.withLock { state in
            if state.unsharedUsage == reading { state.unsharedUsage = nil }
            state.usage = decision.usage ?? state.usage
            state.pausedUntil = decision.pause.flatMap { $0 > 0 ? now.addingTimeInterval($0) : nil }
            state.held[kind] = decision.held.map {
                Hold(
                    reason: $0.reason, ends: now.addingTimeInterval($0.wait),
                    reusedUntil: now.addingTimeInterval(min($0.wait, Self.heldAnswerReuse)))
            }
            if decision.held != nil { state.probing = false }
        }
        return decision.held
    }

    /// Why a call of this kind would be held now by the fleet (its 429 pause, or the budget's latest hold as reused),
    /// without asking the budget: nil when only the budget can tell. Workers ask before claiming work, so a pause or a
    /// spent limit does not have them claim and put back their backlog pass after pass. An open circuit is left to
    /// each call: every request it holds records `circuit open` and waits for the circuit's end.
    package func knownHold(
        submission: Bool = false, priority: CallPriority = .normal
    ) -> (reason: String, wait: TimeInterval)? {
        let now = clock.now
        return state.withLock { Self.knownHold($0, CallKind(submission: submission, priority: priority), now: now) }
    }

    /// The fleet's pause, else the budget's latest hold of this kind of call, while in force.
    private static func knownHold(_ state: State, _ kind: CallKind, now: Date) -> (reason: String, wait: TimeInterval)?
    {
        if let until = state.pausedUntil, until > now {
            return ("paused after a 429 from the processor", until.timeIntervalSince(now))
        }
        if let held = state.held[kind], held.reusedUntil > now {
            return (held.reason, held.ends.timeIntervalSince(now))
        }
        return nil
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
