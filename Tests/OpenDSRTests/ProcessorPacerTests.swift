import DSRCore
import Foundation
import OpenDSR
import Persistence
import Testing
import TestSupport

/// Pacers of several instances on one store, on a manual clock: what one instance spends or is told, the others see.
@Suite struct ProcessorPacerTests {
    @Test func instancesShareOneLimitAndOnePause() async throws {
        try await TemporaryDatabase.with { database in
            let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
            var stores: [SQLiteRequestStore] = []
            for _ in 0..<3 {
                stores.append(
                    try await SQLiteRequestStore.open(path: database.path, logger: GatewayHarness.quietLogger))
            }
            let pacers = stores.map {
                ProcessorPacer(clock: clock, ledger: $0, limits: WorkspaceLimits(requestsPerMinute: 30))
            }
            // Three instances with endless work, taking turns: 29 calls in all (one permit kept for urgent calls).
            var admitted = 0
            for round in 0..<20 {
                for pacer in pacers {
                    if await pacer.admit(submission: round % 2 == 0) == nil { admitted += 1 }
                }
            }
            #expect(admitted == 29)
            #expect(await pacers[2].admit(priority: .urgent) == nil)
            #expect(await pacers[0].admit(priority: .urgent)?.wait == WorkspaceLimits.window)

            // A 429 seen by one holds the others, also after the minute has rolled on.
            clock.advance(by: WorkspaceLimits.window)
            await pacers[0].pause(for: 120)
            #expect(pacers[0].remainingPause == 120)
            let held = try #require(await pacers[1].admit(priority: .urgent))
            #expect(held.reason == "paused after a 429 from the processor")
            #expect(held.wait == 120)
            #expect(pacers[1].remainingPause == 120)
            clock.advance(by: 120)
            #expect(await pacers[2].admit() == nil)
            #expect(pacers[1].remainingPause == nil)
            for store in stores { try await store.close() }
        }
    }

    @Test func aRestartForgetsNothing() async throws {
        try await TemporaryDatabase.with { database in
            let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
            let limits = WorkspaceLimits(requestsPerMinute: 1000, submissionsPerDay: 5)
            let before = try await SQLiteRequestStore.open(path: database.path, logger: GatewayHarness.quietLogger)
            for _ in 0..<5 {
                #expect(
                    await ProcessorPacer(clock: clock, ledger: before, limits: limits).admit(submission: true) == nil)
            }
            try await before.close()
            let after = try await SQLiteRequestStore.open(path: database.path, logger: GatewayHarness.quietLogger)
            let held = await ProcessorPacer(clock: clock, ledger: after, limits: limits).admit(submission: true)
            #expect(held?.reason == "daily cap of 5 new requests reached")
            try await after.close()
        }
    }

    /// A backlog held by a spent limit asks the budget's row about once a second per kind of call, not once a call.
    @Test func aHeldAnswerIsReusedForASecondWithTheBudgetsWait() async throws {
        try await TemporaryDatabase.with { database in
            let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
            let store = try await SQLiteRequestStore.open(path: database.path, logger: GatewayHarness.quietLogger)
            let pacer = ProcessorPacer(clock: clock, ledger: store, limits: WorkspaceLimits(requestsPerMinute: 2))
            #expect(await pacer.admit() == nil)
            clock.advance(by: 10)
            let held = try #require(await pacer.admit())
            #expect(held.wait == WorkspaceLimits.window - 10)
            #expect(pacer.knownHold(submission: true) == nil)
            // Without its store the pacer can only answer from what it knows: the hold, counted down.
            try await store.close()
            clock.advance(by: 0.5)
            #expect(await pacer.admit()?.reason == held.reason)
            #expect(pacer.knownHold()?.wait == WorkspaceLimits.window - 10.5)
            clock.advance(by: ProcessorPacer.heldAnswerReuse - 0.5)
            #expect(pacer.knownHold() == nil)
            #expect(await pacer.admit()?.reason == "workspace budget unavailable (store unreachable)")
        }
    }

    @Test func withoutItsStoreNoCallGoesOut() async throws {
        try await TemporaryDatabase.with { database in
            let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
            let store = try await SQLiteRequestStore.open(path: database.path, logger: GatewayHarness.quietLogger)
            let pacer = ProcessorPacer(clock: clock, ledger: store)
            try await store.close()
            let held = try #require(await pacer.admit(priority: .urgent))
            #expect(held.reason == "workspace budget unavailable (store unreachable)")
            #expect(held.wait == ProcessorPacer.storeUnavailableWait)
        }
    }
}

/// The circuit breaker inside the pacer (each instance's own), on a manual clock.
@Suite struct CircuitBreakerTests {
    @Test func consecutiveFailuresOpenTheCircuitAndOneProbeClosesIt() async throws {
        try await TemporaryDatabase.withStore { store in
            let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
            let pacer = ProcessorPacer(clock: clock, ledger: store, failureThreshold: 3, openFor: 30)
            for _ in 0..<2 {
                #expect(await pacer.admit() == nil)
                pacer.record(reachable: false)
            }
            #expect(pacer.circuit == .closed)
            #expect(await pacer.admit() == nil)
            pacer.record(reachable: false)
            #expect(pacer.circuit == .open)
            let held = try #require(await pacer.admit())
            #expect(held.wait == 30)

            clock.advance(by: 30)
            #expect(await pacer.admit() == nil)
            #expect(pacer.circuit == .halfOpen)
            #expect(await pacer.admit()?.reason.contains("probe") == true)
            pacer.record(reachable: false)
            #expect(pacer.circuit == .open)

            clock.advance(by: 30)
            #expect(await pacer.admit() == nil)
            pacer.record(reachable: true)
            #expect(pacer.circuit == .closed)
            #expect(await pacer.admit() == nil)
        }
    }

    @Test func aSuccessResetsTheFailureCount() async throws {
        try await TemporaryDatabase.withStore { store in
            let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
            let pacer = ProcessorPacer(clock: clock, ledger: store, failureThreshold: 2, openFor: 30)
            pacer.record(reachable: false)
            pacer.record(reachable: true)
            pacer.record(reachable: false)
            #expect(pacer.circuit == .closed)
        }
    }
}
