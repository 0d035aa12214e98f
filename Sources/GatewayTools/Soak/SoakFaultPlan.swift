import ProcessorSimulator

/// The faults of a soak run, each at a fraction of the offered-load period: what `./scripts/soak` injects.
enum SoakFault: Sendable {
    /// Change the simulator's injected faults (keeping the callback drop rate of the whole run).
    case simulator(SimulatorFaults, label: String)
    /// Issue the processor a new leaf certificate (same root) mid-run.
    case rotateCertificate
    /// SIGKILL one gateway instance (by index) and start it again after `downFor` seconds.
    case killGateway(instance: Int, downFor: Double)
    /// Stop each instance gracefully (SIGTERM) and start it again, one after the other: a rolling upgrade.
    case rollingRestart

    var label: String {
        switch self {
        case .simulator(_, let label): label
        case .rotateCertificate: "processor certificate rotated"
        case .killGateway(let instance, let downFor):
            "gateway instance-\(instance + 1) killed with SIGKILL, restarting in \(downFor) s"
        case .rollingRestart: "rolling restart: each instance stopped (SIGTERM) and started again in turn"
        }
    }
}

/// When each fault happens: `at` is a fraction (0...1) of the time the load is offered over. Callbacks are dropped
/// throughout, the drain included, so only the reconciliation poller can finish some requests.
struct SoakFaultPlan: Sendable {
    var dropCallbackFraction: Double
    var steps: [(at: Double, fault: SoakFault)]

    /// A 429 storm, two windows in which every processor call gets a 503, 2 s latency, a certificate rotation and a
    /// SIGKILL of a gateway instance while submissions keep arriving; with several instances, a rolling restart too.
    static func standard(dropCallbackFraction: Double = 0.3, instances: Int = 1) -> SoakFaultPlan {
        let drops = SimulatorFaults(dropCallbackFraction: dropCallbackFraction)
        func with(_ change: (inout SimulatorFaults) -> Void) -> SimulatorFaults {
            var faults = drops
            change(&faults)
            return faults
        }
        let storm = with {
            $0.rateLimitStorm = true
            // Long enough that the whole fleet's pause holds requests well past the soak's 2 s alert threshold, so
            // every run sees the alert fire and resolve.
            $0.rateLimitStormRetryAfter = 5
        }
        let outage = with { $0.serverErrorFraction = 1 }
        let steps: [(at: Double, fault: SoakFault)] = [
            (
                0.0,
                .simulator(drops, label: "\(Int(dropCallbackFraction * 100)) % of callbacks dropped from now on")
            ),
            (0.05, .simulator(storm, label: "429 storm (Retry-After: 5)")),
            (0.12, .simulator(drops, label: "429 storm over")),
            (0.20, .simulator(outage, label: "5xx burst: every processor call gets 503")),
            (0.28, .simulator(drops, label: "5xx burst over")),
            (
                0.35,
                .simulator(with { $0.latencyMilliseconds = 2000 }, label: "2 s latency on every processor call")
            ),
            (0.45, .simulator(drops, label: "latency back to normal")),
            (0.50, .rotateCertificate),
            (0.60, .killGateway(instance: instances > 1 ? 1 : 0, downFor: 1)),
            (0.80, .simulator(outage, label: "5xx burst: every processor call gets 503")),
            (0.85, .simulator(drops, label: "5xx burst over")),
        ]
        let fleet: [(at: Double, fault: SoakFault)] = instances > 1 ? [(0.70, .rollingRestart)] : []
        return SoakFaultPlan(
            dropCallbackFraction: dropCallbackFraction, steps: (steps + fleet).sorted { $0.at < $1.at })
    }
}
