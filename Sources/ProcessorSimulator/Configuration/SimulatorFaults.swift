/// Faults the simulator injects, settable at runtime (`ProcessorSimulator.setFaults(_:)` or
/// `POST /_sim/faults` with this object as snake_case JSON; absent keys mean "off", `{}` clears everything).
/// Certificate rotation is an action rather than a state: `rotateCertificate()` / `POST /_sim/certificate/rotate`.
package struct SimulatorFaults: Codable, Sendable, Equatable {
    /// Added latency before every `/v3` answer, in milliseconds. JSON `latency_ms`.
    package var latencyMilliseconds: Int
    /// Fraction (0...1) of `/v3` requests answered 503. JSON `server_error_fraction`.
    package var serverErrorFraction: Double
    /// The next N `/v3` requests are answered 503 (counts down). JSON `server_error_count`.
    package var serverErrorCount: Int
    /// Every `/v3` request is answered 429 while set. JSON `rate_limit_storm`.
    package var rateLimitStorm: Bool
    /// `Retry-After` seconds sent during a storm. JSON `rate_limit_storm_retry_after`, default 30.
    package var rateLimitStormRetryAfter: Int
    /// Fraction (0...1) of callback copies silently lost (never retried). JSON `drop_callback_fraction`.
    package var dropCallbackFraction: Double
    /// Every `POST /v2/events` is answered 503 while set. JSON `events_unavailable`.
    package var eventsUnavailable: Bool
    /// Every `/v3` answer misbehaves on the wire while set, each kind in turn (`HostileAnswer`): 429s with
    /// `Retry-After: inf`, `nan`, `1e30`, `-5`, `1.5`, `soon` or a day; 2xx answers truncated, wrongly shaped, in HTML,
    /// dripped a byte at a time, or with a garbage usage header. JSON `hostile`.
    package var hostile: Bool
    /// Pause between the bytes of a dripped answer, in milliseconds. JSON `hostile_drip_ms`, default 200.
    package var hostileDripMilliseconds: Int

    /// No faults.
    package static let none = SimulatorFaults()

    package init(
        latencyMilliseconds: Int = 0, serverErrorFraction: Double = 0, serverErrorCount: Int = 0,
        rateLimitStorm: Bool = false, rateLimitStormRetryAfter: Int = 30, dropCallbackFraction: Double = 0,
        eventsUnavailable: Bool = false, hostile: Bool = false, hostileDripMilliseconds: Int = 200
    ) {
        self.latencyMilliseconds = latencyMilliseconds
        self.serverErrorFraction = serverErrorFraction
        self.serverErrorCount = serverErrorCount
        self.rateLimitStorm = rateLimitStorm
        self.rateLimitStormRetryAfter = rateLimitStormRetryAfter
        self.dropCallbackFraction = dropCallbackFraction
        self.eventsUnavailable = eventsUnavailable
        self.hostile = hostile
        self.hostileDripMilliseconds = hostileDripMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case latencyMilliseconds = "latency_ms"
        case serverErrorFraction = "server_error_fraction"
        case serverErrorCount = "server_error_count"
        case rateLimitStorm = "rate_limit_storm"
        case rateLimitStormRetryAfter = "rate_limit_storm_retry_after"
        case dropCallbackFraction = "drop_callback_fraction"
        case eventsUnavailable = "events_unavailable"
        case hostile
        case hostileDripMilliseconds = "hostile_drip_ms"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        latencyMilliseconds = try container.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? 0
        serverErrorFraction = try container.decodeIfPresent(Double.self, forKey: .serverErrorFraction) ?? 0
        serverErrorCount = try container.decodeIfPresent(Int.self, forKey: .serverErrorCount) ?? 0
        rateLimitStorm = try container.decodeIfPresent(Bool.self, forKey: .rateLimitStorm) ?? false
        rateLimitStormRetryAfter =
            try container.decodeIfPresent(Int.self, forKey: .rateLimitStormRetryAfter)
            ?? SimulatorFaults.none.rateLimitStormRetryAfter
        dropCallbackFraction = try container.decodeIfPresent(Double.self, forKey: .dropCallbackFraction) ?? 0
        eventsUnavailable = try container.decodeIfPresent(Bool.self, forKey: .eventsUnavailable) ?? false
        hostile = try container.decodeIfPresent(Bool.self, forKey: .hostile) ?? false
        hostileDripMilliseconds =
            try container.decodeIfPresent(Int.self, forKey: .hostileDripMilliseconds)
            ?? SimulatorFaults.none.hostileDripMilliseconds
    }
}
