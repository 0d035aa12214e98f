import DSRCore
import Foundation
import OpenDSR
import Testing

/// The workspace rate limit in the pacer, measured on a manual clock.
@Suite struct RateLimitPacingTests {
    static let start = Date(timeIntervalSince1970: 1_767_690_000)

    @Test(arguments: [1000, 60, 12])
    func noRollingMinuteEverHoldsMoreThanTheLimitAndThePaceIsKept(perMinute: Int) {
        let clock = ManualWallClock(Self.start)
        let pacer = ProcessorPacer(clock: clock, requestsPerMinute: perMinute)
        var sent: [TimeInterval] = []
        var normal = 0
        // Callers that always have work, normal and urgent: ten simulated minutes in 10 ms steps.
        for step in 0..<60_000 {
            while pacer.admit() == nil {
                sent.append(Double(step) / 100)
                normal += 1
            }
            while pacer.admit(priority: .urgent) == nil { sent.append(Double(step) / 100) }
            clock.advance(by: 0.01)
        }
        // Normal calls leave 1 % (at least one call) of every minute to urgent ones (certificate lookups).
        #expect(normal == (perMinute - max(1, perMinute / 100)) * 10)
        var busiestMinute = 0
        var windowStart = 0
        for (index, time) in sent.enumerated() {
            while sent[windowStart] <= time - 60 { windowStart += 1 }
            busiestMinute = max(busiestMinute, index - windowStart + 1)
        }
        #expect(busiestMinute <= perMinute)
        // And it wastes nothing: over ten minutes it lets through exactly what the limit allows.
        #expect(sent.count == perMinute * 10)
    }

    @Test func theDailySubmissionCapHoldsNewRequestsUntilMidnightUTC() throws {
        let clock = ManualWallClock(Self.start)
        let pacer = ProcessorPacer(clock: clock, requestsPerMinute: 1000, submissionsPerDay: 3)
        for _ in 0..<3 {
            #expect(pacer.admit(submission: true) == nil)
        }
        let held = try #require(pacer.admit(submission: true))
        #expect(held.reason.contains("daily cap"))
        #expect(held.wait == 15 * 3600)
        #expect(pacer.admit(submission: false) == nil)
        clock.advance(by: held.wait)
        #expect(pacer.admit(submission: true) == nil)
    }

    @Test func backgroundReadsNeverTakeMoreThanHalfTheLimitFromSubmissions() {
        let clock = ManualWallClock(Self.start)
        let pacer = ProcessorPacer(clock: clock, requestsPerMinute: 100)
        // A poller with endless stale requests starts first and tries every 10 ms; a submission every 1.5 s arrives
        // (less than the half kept for them, so every one must go out at once).
        var background = 0
        var foreground = 0
        for step in 0..<6_000 {
            if step % 150 == 0, pacer.admit(submission: true) == nil { foreground += 1 }
            if pacer.admit(priority: .background) == nil { background += 1 }
            clock.advance(by: 0.01)
        }
        #expect(foreground == 40)
        #expect(background <= 50)

        // With no other calls for 5 s, background reads may use the whole limit.
        clock.advance(by: 60)
        var idle = 0
        for _ in 0..<6_000 {
            if pacer.admit(priority: .background) == nil { idle += 1 }
            clock.advance(by: 0.01)
        }
        #expect(idle == 100)
    }
}
