import DSRCore
import Testing
import TestSupport
import Workers

/// The reconciliation poller's loop stepped on a test clock: every request in flight is read at start-up, then each
/// only once it has not moved for `staleAfter`.
@Suite struct ReconciliationPollerTests {
    @Test func startUpReadsEveryRequestInFlightThenEachOnlyWhenStale() async throws {
        try await WorkersHarness.with { harness in
            let request = try await harness.submit("customer-in-flight")
            try await DispatcherTests.dispatcher(harness).deliverDue()
            #expect(try await harness.stored(request).state == .pending)
            let poller = ReconciliationPoller(
                store: harness.store, client: harness.client,
                configuration: ReconciliationConfiguration(staleAfter: 3600, pollInterval: 600),
                clock: harness.clock.wall, logger: GatewayHarness.quietLogger)
            try await harness.running(poller) {
                await harness.clock.sleeping()
                #expect(harness.calls["status"] == 1)
                for _ in 0..<5 {
                    harness.clock.advance(by: .seconds(600))
                    await harness.clock.sleeping()
                }
                #expect(harness.calls["status"] == 1)
                // At exactly an hour it has not yet been still for *more* than an hour.
                harness.clock.advance(by: .seconds(600))
                await harness.clock.sleeping()
                #expect(harness.calls["status"] == 1)
                harness.clock.advance(by: .seconds(600))
                await harness.clock.sleeping()
                #expect(harness.calls["status"] == 2)
            }
        }
    }
}
