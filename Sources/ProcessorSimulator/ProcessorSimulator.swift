import DSRCore
import Foundation
import Logging
import OpenDSR
import ServiceLifecycle

/// A faithful local mParticle OpenDSR v3 processor served over real HTTP (docs/design.md,
/// "The processor simulator"; docs/upstream-apis.md, "What the simulator reproduces").
///
/// Construct it with a clock, run it (directly or in a `ServiceGroup`), learn its URL with
/// `waitUntilListening()`, and trust `trustRootPEM`. Requests move through their lifecycle at `clock.now`
/// whenever `tick()` runs: every `tickInterval` in real time, or explicitly (tests and manual-clock play, with
/// `tickInterval: nil`). Callbacks are queued and sent in batches every `callbackBatchInterval`.
/// The same server answers mParticle's Events API (`POST /v2/events`; docs/upstream-apis.md, "Events API") on the
/// Input credentials.
package final class ProcessorSimulator: Service {
    package let configuration: SimulatorConfiguration
    let clock: any WallClock
    let logger: Logger
    let store: SimulatorStore
    let identity: ProcessorIdentity
    let rateLimiter: RateLimiter
    let faultInjector = FaultInjector()
    let refusals = RefusalCounters()
    let eventInbox = EventBatchInbox()
    let sender: CallbackSender
    let listening = ListeningAddress()

    /// Generates the processor's certificate chain (valid from a day before `clock.now` for
    /// `certificateValidity`) and an empty store.
    package init(configuration: SimulatorConfiguration = .init(), clock: any WallClock, logger: Logger) throws {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let now = clock.now
        store = SimulatorStore(maxRequestsPerGroup: configuration.maxRequestsPerGroup, createdAt: now)
        identity = try ProcessorIdentity(
            domain: configuration.processorDomain, now: now, validity: configuration.certificateValidity)
        rateLimiter = RateLimiter(
            perMinute: configuration.requestsPerMinute, submissionsPerDay: configuration.submissionsPerDay)
        sender = CallbackSender(domain: configuration.processorDomain, timeout: configuration.callbackTimeout)
    }

    /// The root certificate (PEM) a gateway must be configured to trust; it survives certificate rotation.
    package var trustRootPEM: String { identity.chain.rootPEM }

    /// The chain currently served at `/static/dsr/opendsr_cert.pem` and used for signing.
    package var certificateChain: GeneratedChain { identity.chain }

    /// The bound base URL (e.g. `http://127.0.0.1:49152`, no `/v3`) while listening, else nil.
    package var baseURL: URL? { listening.url }

    /// Waits until `run()` is listening and returns the base URL; throws
    /// `ProcessorSimulatorError.stoppedBeforeListening` if the server stopped first.
    package func waitUntilListening() async throws -> URL {
        try await listening.wait()
    }

    /// The active faults.
    package var faults: SimulatorFaults { faultInjector.current }

    /// Replaces the active faults.
    package func setFaults(_ faults: SimulatorFaults) {
        faultInjector.set(faults)
        logger.info("Simulator faults changed")
    }

    /// Mints a new leaf (new key) under the same root; discovery, the PEM route and every later signature
    /// use it. Returns the new chain.
    @discardableResult
    package func rotateCertificate() throws -> GeneratedChain {
        let chain = try identity.rotate(now: clock.now)
        logger.info("Processor certificate rotated")
        return chain
    }

    /// Advances the injected `ManualWallClock` by `seconds` and ticks; throws
    /// `ProcessorSimulatorError.clockNotManual` for any other clock.
    package func advance(by seconds: TimeInterval) async throws {
        guard let manual = clock as? ManualWallClock else { throw ProcessorSimulatorError.clockNotManual }
        manual.advance(by: seconds)
        await tick()
    }

    /// Every request and Events API batch (without identities) and the callback counters.
    package func snapshot() async -> SimulatorSnapshot {
        SimulatorSnapshot(
            now: WireTime.fractional(clock.now),
            requests: await store.allRequests().map(\.summary),
            callbacks: await store.deliveryStats(),
            refusals: refusals.current,
            busiestMinute: rateLimiter.busiestMinute,
            eventBatches: await eventInbox.batches.map {
                SimulatorSnapshot.EventBatchSummary($0.batch, at: $0.receivedAt)
            }
        )
    }

    /// The batches `POST /v2/events` accepted, whole (identities included), oldest first.
    package func eventBatches() async -> [EventBatch] {
        await eventInbox.batches.map(\.batch)
    }
}
