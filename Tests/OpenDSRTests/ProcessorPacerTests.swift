import DSRCore
import Foundation
import OpenDSR
import Testing

/// The shared pause after a 429, on a manual clock.
@Suite struct ProcessorPacerTests {
    @Test func aPauseLastsExactlyRetryAfterAndIsNeverShortened() {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
        let pacer = ProcessorPacer(clock: clock)
        #expect(pacer.remainingPause == nil)
        pacer.pause(for: 120)
        #expect(pacer.remainingPause == 120)
        pacer.pause(for: 10)
        clock.advance(by: 119)
        #expect(pacer.remainingPause == 1)
        clock.advance(by: 1)
        #expect(pacer.remainingPause == nil)
        pacer.pause(for: nil)
        #expect(pacer.remainingPause == ProcessorPacer.defaultPause)
    }
}

/// The circuit breaker inside the pacer, on a manual clock.
@Suite struct CircuitBreakerTests {
    @Test func consecutiveFailuresOpenTheCircuitAndOneProbeClosesIt() throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
        let pacer = ProcessorPacer(clock: clock, failureThreshold: 3, openFor: 30)
        for _ in 0..<2 {
            #expect(pacer.admit() == nil)
            pacer.record(reachable: false)
        }
        #expect(pacer.circuit == .closed)
        #expect(pacer.admit() == nil)
        pacer.record(reachable: false)
        #expect(pacer.circuit == .open)
        #expect(try #require(pacer.admit()).wait == 30)

        clock.advance(by: 30)
        #expect(pacer.admit() == nil)
        #expect(pacer.circuit == .halfOpen)
        #expect(pacer.admit()?.reason.contains("probe") == true)
        pacer.record(reachable: false)
        #expect(pacer.circuit == .open)

        clock.advance(by: 30)
        #expect(pacer.admit() == nil)
        pacer.record(reachable: true)
        #expect(pacer.circuit == .closed)
        #expect(pacer.admit() == nil)
    }

    @Test func aSuccessResetsTheFailureCount() {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
        let pacer = ProcessorPacer(clock: clock, failureThreshold: 2, openFor: 30)
        pacer.record(reachable: false)
        pacer.record(reachable: true)
        pacer.record(reachable: false)
        #expect(pacer.circuit == .closed)
    }
}
