import DSRCore
import Foundation
import OpenDSR
import Testing

/// One fleet budget spent by the workspace rules, on a manual clock: what every instance's pacer does with the
/// budget the store hands it.
struct BudgetOnAClock {
    let clock = ManualWallClock(Date(timeIntervalSince1970: 1_767_690_000))
    let limits: WorkspaceLimits
    var budget = WorkspaceBudget()

    init(requestsPerMinute: Int = 1000, submissionsPerDay: Int = 80_000) {
        limits = WorkspaceLimits(requestsPerMinute: requestsPerMinute, submissionsPerDay: submissionsPerDay)
    }

    mutating func admit(submission: Bool = false, priority: CallPriority = .normal) -> (
        reason: String, wait: TimeInterval
    )? {
        limits.admit(&budget, submission: submission, priority: priority, at: clock.now)
    }

    mutating func observe(_ percent: Int) {
        limits.observe(&budget, percentageUsed: percent, at: clock.now)
    }
}

/// The workspace rate limit, the daily cap and the priorities.
@Suite struct WorkspaceLimitsTests {
    @Test(arguments: [1000, 60, 12])
    func noRollingMinuteEverHoldsMoreThanTheLimitAndThePaceIsKept(perMinute: Int) {
        var fleet = BudgetOnAClock(requestsPerMinute: perMinute)
        var sent: [TimeInterval] = []
        var normal = 0
        // Callers that always have work, normal and urgent: ten simulated minutes in 10 ms steps.
        for step in 0..<60_000 {
            while fleet.admit() == nil {
                sent.append(Double(step) / 100)
                normal += 1
            }
            while fleet.admit(priority: .urgent) == nil { sent.append(Double(step) / 100) }
            fleet.clock.advance(by: 0.01)
        }
        // A permit is held for 61 s: ten minutes hold nine full windows and part of a tenth.
        let windows = 600 / Int(WorkspaceLimits.window) + 1
        // Normal calls leave 1 % (at least one call) of every minute to urgent ones (certificate lookups).
        #expect(normal == (perMinute - max(1, perMinute / 100)) * windows)
        var busiestMinute = 0
        var windowStart = 0
        for (index, time) in sent.enumerated() {
            while sent[windowStart] <= time - 60 { windowStart += 1 }
            busiestMinute = max(busiestMinute, index - windowStart + 1)
        }
        #expect(busiestMinute <= perMinute)
        // And it wastes nothing but the second of margin: every permit is used again as soon as it is free.
        #expect(sent.count == perMinute * windows)
    }

    @Test func theDailySubmissionCapHoldsNewRequestsUntilMidnightUTC() throws {
        var fleet = BudgetOnAClock(submissionsPerDay: 3)
        for _ in 0..<3 {
            #expect(fleet.admit(submission: true) == nil)
        }
        let answer = fleet.admit(submission: true)
        let held = try #require(answer)
        #expect(held.reason.contains("daily cap"))
        #expect(held.wait == 15 * 3600)
        #expect(fleet.admit(submission: false) == nil)
        fleet.clock.advance(by: held.wait)
        #expect(fleet.admit(submission: true) == nil)
    }

    @Test func backgroundReadsNeverTakeMoreThanHalfTheLimitFromSubmissions() {
        var fleet = BudgetOnAClock(requestsPerMinute: 100)
        // A poller with endless stale requests starts first and tries every 10 ms; a submission every 1.5 s arrives
        // (less than the half kept for them, so every one must go out at once).
        var background = 0
        var foreground = 0
        for step in 0..<6_000 {
            if step % 150 == 0, fleet.admit(submission: true) == nil { foreground += 1 }
            if fleet.admit(priority: .background) == nil { background += 1 }
            fleet.clock.advance(by: 0.01)
        }
        #expect(foreground == 40)
        #expect(background <= 50)

        // With no other calls for 5 s, background reads may use the whole limit but the reserve.
        fleet.clock.advance(by: 61)
        var idle = 0
        for _ in 0..<6_000 {
            if fleet.admit(priority: .background) == nil { idle += 1 }
            fleet.clock.advance(by: 0.01)
        }
        #expect(idle == 99)
    }

    @Test func aPauseLastsExactlyRetryAfterAndIsNeverShortened() throws {
        var fleet = BudgetOnAClock()
        fleet.limits.pause(&fleet.budget, for: 120, at: fleet.clock.now)
        fleet.limits.pause(&fleet.budget, for: 10, at: fleet.clock.now)
        fleet.clock.advance(by: 119)
        let answer = fleet.admit(priority: .urgent)
        let held = try #require(answer)
        #expect(held.reason == "paused after a 429 from the processor")
        #expect(held.wait == 1)
        fleet.clock.advance(by: 1)
        #expect(fleet.admit() == nil)
        fleet.limits.pause(&fleet.budget, for: nil, at: fleet.clock.now)
        #expect(fleet.admit()?.wait == WorkspaceLimits.defaultPause)
        // One answer cannot stop the fleet for more than an hour.
        fleet.limits.pause(&fleet.budget, for: 86_400, at: fleet.clock.now)
        #expect(fleet.admit()?.wait == RetryAfter.maximum)
    }

    @Test func aBudgetReadsBackAsItWasStored() throws {
        var fleet = BudgetOnAClock(requestsPerMinute: 50)
        for step in 0..<80 {
            _ = fleet.admit(submission: step % 3 == 0)
            fleet.clock.advance(by: 0.37)
        }
        fleet.observe(87)
        fleet.limits.pause(&fleet.budget, for: 12.5, at: fleet.clock.now)
        let stored = try JSONCoding.encoder().encode(fleet.budget)
        #expect(try JSONCoding.decoder().decode(WorkspaceBudget.self, from: stored) == fleet.budget)
        #expect(fleet.budget.permits.count == 49)
        // A thousand permits fit in about 11 KB.
        fleet.budget.permits = Array(repeating: fleet.clock.now, count: 1000)
        #expect(try JSONCoding.encoder().encode(fleet.budget).count < 11_000)
    }
}
