import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import OpenDSR
import ProcessorSimulator
import Testing

/// `EventsClient` against the simulator's Events API over loopback: what each answer maps to.
@Suite struct EventsClientTests {
    static let logger = Logger(label: "events-client-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    static let erasure = EventBatch.erasureRequested(
        customerId: "customer-42", submittedAt: EventBatchTests.submittedAt, environment: .production)

    /// Runs `body` with a live simulator and a client using `inputSecret`.
    static func withSimulator(
        inputSecret: String = "sim-input-secret", _ body: (ProcessorSimulator, EventsClient) async throws -> Void
    ) async throws {
        let simulator = try ProcessorSimulator(
            configuration: SimulatorConfiguration(tickInterval: nil),
            clock: ManualWallClock(EventBatchTests.submittedAt),
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            let baseURL = try await simulator.waitUntilListening()
            let client = EventsClient(
                httpClient: .shared,
                configuration: EventsClientConfiguration(
                    baseURL: baseURL.absoluteString + "/v2/", inputKey: "sim-input-key", inputSecret: inputSecret),
                clock: SystemWallClock())
            try await body(simulator, client)
            group.cancelAll()
        }
    }

    @Test func uploadsTheErasureBatchAsIs() async throws {
        try await Self.withSimulator { simulator, client in
            let outcome = await client.upload(Self.erasure, logger: Self.logger)
            guard case .success = outcome else { throw OutcomeMismatch(outcome.summary) }
            #expect(await simulator.eventBatches() == [Self.erasure])
        }
    }

    @Test func wrongInputCredentialsAreUnauthorized() async throws {
        try await Self.withSimulator(inputSecret: "sim-secret") { simulator, client in
            let outcome = await client.upload(Self.erasure, logger: Self.logger)
            guard case .unauthorized(403) = outcome else { throw OutcomeMismatch(outcome.summary) }
            #expect(await simulator.eventBatches().isEmpty)
        }
    }

    @Test func aBatchMParticleRefusesIsRejectedWithoutItsFreeText() async throws {
        try await Self.withSimulator { _, client in
            let outcome = await client.upload(EventBatch(environment: "staging"), logger: Self.logger)
            guard case .rejected(400, let message) = outcome else { throw OutcomeMismatch(outcome.summary) }
            // mParticle's text may quote identity values; only a fixed description is kept.
            #expect(message == "mParticle refused the batch as invalid")
        }
    }

    @Test func anOutageIsUnavailable() async throws {
        try await Self.withSimulator { simulator, client in
            simulator.setFaults(SimulatorFaults(eventsUnavailable: true))
            let outcome = await client.upload(Self.erasure, logger: Self.logger)
            guard case .unavailable(let reason) = outcome else { throw OutcomeMismatch(outcome.summary) }
            #expect(reason == "status 503")
        }
    }

    @Test func anUnreachableHostIsUnavailable() async {
        let client = EventsClient(
            httpClient: .shared,
            configuration: EventsClientConfiguration(
                baseURL: "http://127.0.0.1:9/v2", inputKey: "k", inputSecret: "s", timeout: 1),
            clock: SystemWallClock())
        guard case .unavailable = await client.upload(Self.erasure, logger: Self.logger) else {
            Issue.record("expected unavailable")
            return
        }
    }
}

/// An upload came to a different outcome than the test expected.
struct OutcomeMismatch: Error, CustomStringConvertible {
    var description: String

    init(_ summary: String) {
        description = "unexpected outcome: \(summary)"
    }
}
