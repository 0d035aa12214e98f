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
