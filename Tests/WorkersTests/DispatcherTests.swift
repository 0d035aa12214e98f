import BackgroundWork
import DSRCore
import Foundation
import Logging
import ProcessorSimulator
import RequestUseCases
import Testing
import TestSupport
import Workers

/// The outbox dispatcher's loop stepped on a test clock: what goes out on which pass, and what waits.
@Suite struct DispatcherTests {
    static func dispatcher(
        _ harness: WorkersHarness, retry: RetryPolicy = RetryPolicy(), batchSize: Int = 20,
        logger: Logger = GatewayHarness.quietLogger
    ) -> Dispatcher {
        Dispatcher(
            store: harness.store, client: harness.client,
            configuration: DispatcherConfiguration(pollInterval: 1, batchSize: batchSize, retry: retry),
            publicBaseURL: PublicBaseURL("https://gateway.test"), clock: harness.clock.wall, logger: logger)
    }

    /// A backlog waiting out a 429 pause is left alone (not claimed, held and put back, a write each, pass after pass)
    /// and goes out when the pause ends.
    @Test func aBacklogWaitsOutAPauseUnclaimedThenGoesOut() async throws {
        try await WorkersHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(rateLimitStorm: true, rateLimitStormRetryAfter: 120))
            let logs = CapturedLogs()
            _ = try await harness.submit("customer-first")
            let backlog = try await harness.running(Self.dispatcher(harness, logger: logs.logger(level: .info))) {
                await harness.clock.sleeping()
                harness.simulator.setFaults(SimulatorFaults())
                var backlog: [DSRRequest] = []
                for index in 0..<20 { backlog.append(try await harness.submit("customer-held-\(index)")) }
                for _ in 0..<3 {
                    harness.clock.advance(by: .seconds(1))
                    await harness.clock.sleeping()
                }
                #expect(harness.calls["submit"] == 1)
                for request in backlog {
                    #expect(try await harness.stored(request).state == .queued)
                    #expect(try await harness.audit(request).map(\.event) == [.received])
                }
                harness.clock.advance(by: .seconds(120))
                await harness.clock.sleeping()
                return backlog
            }
            // The first request's 429, then it and the backlog.
            #expect(harness.calls["submit"] == 22)
            for request in backlog { #expect(try await harness.stored(request).state == .pending) }
            #expect(!logs.all.contains { $0.contains(#""message":"deliveries held, not sent""#) })
        }
    }

    /// A backlog larger than the workspace rate limit allows: once the budget holds a delivery, passes claim one request
    /// to probe it instead of a batch each to put back (a write and an audit entry each), and when permits come free the
    /// claims grow again and the backlog goes out.
    @Test func aBacklogPastTheRateLimitIsProbedOneRequestAPassNotClaimedWholesale() async throws {
        try await WorkersHarness.with(requestsPerMinute: 4) { harness in
            var submitted: [DSRRequest] = []
            for index in 0..<20 { submitted.append(try await harness.submit("customer-backlog-\(index)")) }
            let backlog = submitted
            try await harness.running(Self.dispatcher(harness, batchSize: 4)) {
                await harness.clock.sleeping()
                // The first pass sends three (one of the four permits is kept for certificate lookups) and the budget
                // holds the fourth.
                #expect(harness.calls["submit"] == 3)
                for _ in 0..<10 {
                    harness.clock.advance(by: .seconds(1))
                    await harness.clock.sleeping()
                }
                #expect(harness.calls["submit"] == 3)
                var touched = 0
                for request in backlog where try await harness.stored(request).state == .queued {
                    if try await harness.audit(request).map(\.event) != [.received] { touched += 1 }
                }
                // The fourth, then one probe a pass at most (the budget's hold is reused for a second): without the
                // probe each of the ten passes would have claimed and put back four.
                #expect(touched >= 1 && touched <= 11)
                harness.clock.advance(by: .seconds(60))
                await harness.clock.sleeping()
                #expect(harness.calls["submit"] == 6)
            }
        }
    }

    @Test func aRequestAcceptedBetweenPassesGoesOutOnTheNextPassAndOnlyOnce() async throws {
        try await WorkersHarness.with { harness in
            try await harness.running(Self.dispatcher(harness)) {
                await harness.clock.sleeping()
                let request = try await harness.submit("customer-next-pass")
                #expect(harness.calls["submit"] == 0)
                harness.clock.advance(by: .seconds(1))
                await harness.clock.sleeping()
                #expect(try await harness.stored(request).state == .pending)
                #expect(harness.calls["submit"] == 1)
                harness.clock.advance(by: .seconds(1))
                await harness.clock.sleeping()
                #expect(harness.calls["submit"] == 1)
                #expect(await harness.simulator.snapshot().requests.count == 1)
            }
        }
    }

    @Test func aFailedDeliveryWaitsForItsBackoffOnTheClockThenGoesOut() async throws {
        try await WorkersHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(serverErrorCount: 1))
            let request = try await harness.submit("customer-backoff")
            // The first retry waits between 10 and 20 s (half the cap plus jitter).
            try await harness.running(Self.dispatcher(harness, retry: RetryPolicy(baseDelay: 20))) {
                await harness.clock.sleeping()
                let waiting = try await harness.stored(request)
                #expect(waiting.state == .queued)
                #expect(waiting.attempts == 1)
                for _ in 0..<9 {
                    harness.clock.advance(by: .seconds(1))
                    await harness.clock.sleeping()
                }
                #expect(harness.calls["submit"] == 1)
                #expect(try await harness.stored(request).state == .queued)
                harness.clock.advance(by: .seconds(11))
                await harness.clock.sleeping()
                #expect(harness.calls["submit"] == 2)
                #expect(try await harness.stored(request).state == .pending)
            }
        }
    }

    @Test func a429PausesEveryDeliveryForItsRetryAfterWithoutSpendingTheBudget() async throws {
        try await WorkersHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(rateLimitStorm: true, rateLimitStormRetryAfter: 120))
            let request = try await harness.submit("customer-rate-limited")
            try await harness.running(Self.dispatcher(harness)) {
                await harness.clock.sleeping()
                let queued = try await harness.stored(request)
                #expect(queued.state == .queued)
                #expect(queued.lastError?.contains("429") == true)
                #expect(try await harness.audit(request).last?.detail?.contains("next attempt in 120 s") == true)
                harness.simulator.setFaults(.none)
                // The pause is shared: a request accepted during it is not sent either, though mParticle would take it.
                let during = try await harness.submit("customer-during-the-pause")
                for _ in 0..<119 {
                    harness.clock.advance(by: .seconds(1))
                    await harness.clock.sleeping()
                }
                #expect(harness.calls["submit"] == 1)
                #expect(try await harness.stored(request).attempts == 0)
                // Not even claimed while the pause lasted: nothing written to it.
                #expect(try await harness.stored(during).lastError == nil)
                harness.clock.advance(by: .seconds(1))
                await harness.clock.sleeping()
                #expect(harness.calls["submit"] == 3)
                let delivered = try await harness.stored(request)
                #expect(delivered.state == .pending)
                #expect(delivered.attempts == 1)
                #expect(try await harness.stored(during).state == .pending)
            }
        }
    }

    @Test func aRetryBudgetRunsOutIntoFailedNotIntoSilence() async throws {
        try await WorkersHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(serverErrorFraction: 1))
            let request = try await harness.submit("customer-never-delivered")
            try await harness.running(Self.dispatcher(harness, retry: RetryPolicy(maxAttempts: 5))) {
                await harness.clock.sleeping()
                for _ in 0..<4 {
                    #expect(try await harness.stored(request).state == .queued)
                    harness.clock.advance(by: .seconds(3600))
                    await harness.clock.sleeping()
                }
                let failed = try await harness.stored(request)
                #expect(failed.state == .failed)
                #expect(failed.lastError?.hasPrefix("not delivered after 5 attempts") == true)
                #expect(try await harness.audit(request).filter { $0.event == .deliveryRetryScheduled }.count == 4)
            }
        }
    }
}
