import Synchronization

/// Holds the active `SimulatorFaults` and decides, per request or callback, whether one fires.
final class FaultInjector: Sendable {
    /// What to do with one `/v3` request.
    enum Verdict: Equatable {
        case proceed
        case serviceUnavailable
        case rateLimitStorm(retryAfter: Int)
        case hostile(HostileAnswer)
    }

    private let state = Mutex(SimulatorFaults.none)
    private let hostileTurn = Mutex(0)

    /// The active faults (with `serverErrorCount` as still remaining).
    var current: SimulatorFaults { state.withLock { $0 } }

    /// Replaces the active faults.
    func set(_ faults: SimulatorFaults) {
        state.withLock { $0 = faults }
    }

    /// Latency to add (milliseconds) and the verdict for the next `/v3` request; consumes one counted 5xx.
    func nextRequest() -> (latencyMilliseconds: Int, verdict: Verdict) {
        state.withLock { faults in
            let latency = max(0, faults.latencyMilliseconds)
            if faults.serverErrorCount > 0 {
                faults.serverErrorCount -= 1
                return (latency, .serviceUnavailable)
            }
            if faults.serverErrorFraction > 0, Double.random(in: 0..<1) < faults.serverErrorFraction {
                return (latency, .serviceUnavailable)
            }
            if faults.hostile {
                let turn = hostileTurn.withLock { turn in
                    defer { turn += 1 }
                    return turn
                }
                return (latency, .hostile(HostileAnswer.allCases[turn % HostileAnswer.allCases.count]))
            }
            if faults.rateLimitStorm {
                return (latency, .rateLimitStorm(retryAfter: max(1, faults.rateLimitStormRetryAfter)))
            }
            return (latency, .proceed)
        }
    }

    /// Whether `POST /v2/events` is answered 503.
    var eventsUnavailable: Bool { state.withLock { $0.eventsUnavailable } }

    /// Whether the next callback copy is lost.
    func dropsCallback() -> Bool {
        let fraction = state.withLock { $0.dropCallbackFraction }
        return fraction > 0 && Double.random(in: 0..<1) < fraction
    }
}
