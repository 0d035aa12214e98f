import Foundation

/// Settings of the OpenDSR processor simulator (and its Events API endpoint); every default mirrors mParticle's
/// documented behaviour (docs/upstream-apis.md, "What the simulator reproduces").
package struct SimulatorConfiguration: Sendable {
    /// Interface to bind. Default `127.0.0.1`.
    package var host: String
    /// TCP port; `0` (the default) binds a free port, learnt through `ProcessorSimulator.waitUntilListening()`.
    package var port: Int
    /// Workspace API key accepted in `Authorization: Basic`. Default `sim-key`.
    package var workspaceKey: String
    /// Workspace API secret accepted in `Authorization: Basic`. Default `sim-secret`.
    package var workspaceSecret: String
    /// Events API Input key accepted in `Authorization: Basic` on `/v2/events`. Default `sim-input-key`.
    package var inputKey: String
    /// Events API Input secret accepted in `Authorization: Basic` on `/v2/events`. Default `sim-input-secret`.
    package var inputSecret: String
    /// `controller_id` of every answer: the workspace id, a numeric string. Default `3622` (the docs' example).
    package var controllerId: String
    /// Processor domain sent in `X-OpenDSR-Processor-Domain` and named by the leaf certificate.
    /// Default `opendsr.mparticle.com`.
    package var processorDomain: String
    /// Requests per rolling minute, shared by GET, POST and DELETE on `/v3`. Default 1000.
    package var requestsPerMinute: Int
    /// New requests (POST) per UTC day. Default 80,000.
    package var submissionsPerDay: Int
    /// Seconds between callback batches. Default 900 (mParticle sends queued callbacks every 15 minutes).
    package var callbackBatchInterval: TimeInterval
    /// Delivery attempts per callback copy before it is abandoned (the first try included). Default 3.
    package var callbackMaxAttempts: Int
    /// Timeout of one callback POST. Default 10 s.
    package var callbackTimeout: Duration
    /// Callback deliveries in flight at once during a flush. Default 16.
    package var callbackConcurrency: Int
    /// Cancellable waiting period of an erasure. Default 7 days.
    package var erasureWaitingPeriod: TimeInterval
    /// Waiting period of an erasure sent with `skip_waiting_period: true` (documented as "under 24 h").
    /// Default 12 hours.
    package var erasureShortWaitingPeriod: TimeInterval
    /// Time an erasure spends `in_progress` after its waiting period. Default 48 hours, which makes
    /// `expected_completion_time` = scheduled processing + 48 h as the guide states.
    package var erasureProcessingDuration: TimeInterval
    /// When access and portability requests are compiled. Default `.mondayThursdayRuns`.
    package var accessSchedule: AccessSchedule
    /// Time an access/portability request spends `in_progress` once its run starts. Default 1 hour.
    package var accessCompilationDuration: TimeInterval
    /// Added to the scheduled processing time to give `expected_completion_time`. Default 48 hours.
    package var expectedCompletionMargin: TimeInterval
    /// How long a `results_url` stays downloadable after completion; 410 Gone afterwards. Default 7 days.
    package var resultsLinkLifetime: TimeInterval
    /// Most requests that may share one `group_id`. Default 150.
    package var maxRequestsPerGroup: Int
    /// Validity of the generated processor certificate, starting one day before the clock's "now".
    /// Default 365 days.
    package var certificateValidity: TimeInterval
    /// Real-time period of the background lifecycle loop in `run()`; `nil` turns it off so only explicit
    /// `tick()` calls move requests (tests and manual-clock play). Default 1 second.
    package var tickInterval: Duration?

    /// When access/portability requests are picked up for processing.
    package enum AccessSchedule: Sendable, Equatable {
        /// The next run just after midnight UTC on a Monday or Thursday, strictly after receipt (mParticle's rule).
        case mondayThursdayRuns
        /// A fixed delay after receipt.
        case fixedDelay(TimeInterval)
    }

    package init(
        host: String = "127.0.0.1",
        port: Int = 0,
        workspaceKey: String = "sim-key",
        workspaceSecret: String = "sim-secret",
        inputKey: String = "sim-input-key",
        inputSecret: String = "sim-input-secret",
        controllerId: String = "3622",
        processorDomain: String = "opendsr.mparticle.com",
        requestsPerMinute: Int = 1000,
        submissionsPerDay: Int = 80_000,
        callbackBatchInterval: TimeInterval = 900,
        callbackMaxAttempts: Int = 3,
        callbackTimeout: Duration = .seconds(10),
        callbackConcurrency: Int = 16,
        erasureWaitingPeriod: TimeInterval = 7 * 86_400,
        erasureShortWaitingPeriod: TimeInterval = 12 * 3_600,
        erasureProcessingDuration: TimeInterval = 48 * 3_600,
        accessSchedule: AccessSchedule = .mondayThursdayRuns,
        accessCompilationDuration: TimeInterval = 3_600,
        expectedCompletionMargin: TimeInterval = 48 * 3_600,
        resultsLinkLifetime: TimeInterval = 7 * 86_400,
        maxRequestsPerGroup: Int = 150,
        certificateValidity: TimeInterval = 365 * 86_400,
        tickInterval: Duration? = .seconds(1)
    ) {
        self.host = host
        self.port = port
        self.workspaceKey = workspaceKey
        self.workspaceSecret = workspaceSecret
        self.inputKey = inputKey
        self.inputSecret = inputSecret
        self.controllerId = controllerId
        self.processorDomain = processorDomain
        self.requestsPerMinute = requestsPerMinute
        self.submissionsPerDay = submissionsPerDay
        self.callbackBatchInterval = callbackBatchInterval
        self.callbackMaxAttempts = callbackMaxAttempts
        self.callbackTimeout = callbackTimeout
        self.callbackConcurrency = callbackConcurrency
        self.erasureWaitingPeriod = erasureWaitingPeriod
        self.erasureShortWaitingPeriod = erasureShortWaitingPeriod
        self.erasureProcessingDuration = erasureProcessingDuration
        self.accessSchedule = accessSchedule
        self.accessCompilationDuration = accessCompilationDuration
        self.expectedCompletionMargin = expectedCompletionMargin
        self.resultsLinkLifetime = resultsLinkLifetime
        self.maxRequestsPerGroup = maxRequestsPerGroup
        self.certificateValidity = certificateValidity
        self.tickInterval = tickInterval
    }
}
