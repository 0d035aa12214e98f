import Foundation
import Operations
import Persistence
import Testing
import TestSupport

/// The evaluator on a fake clock: pending → firing → resolved, one transition each, and what a restart keeps.
@Suite struct AlertEvaluatorTests {
    static let start = Date(timeIntervalSince1970: 1_767_690_000)
    static let rules = DefaultAlertRules.rules

    /// Runs `steps` 30-second steps from `clock`, returning every transition.
    static func run(
        _ evaluator: inout AlertEvaluator, _ workload: inout AlertWorkload, clock: inout Date, steps: Int,
        breaching: String?
    ) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        for _ in 0..<steps {
            clock.addTimeInterval(30)
            workload.step(breaching: breaching)
            transitions += evaluator.evaluate(workload.text, at: clock)
        }
        return transitions
    }

    @Test(arguments: rules.map(\.name))
    func aSustainedBreachFiresOnceAfterForAndResolvesOnce(rule name: String) throws {
        let rule = try #require(Self.rules.first { $0.name == name })
        var evaluator = AlertEvaluator(rules: Self.rules, start: Self.start)
        var workload = AlertWorkload()
        var clock = Self.start
        // Normal traffic first (30 s steps) until the rule's window (and the volume rule's day of baseline) has
        // history, and 20 minutes more.
        let warmUp = Self.run(
            &evaluator, &workload, clock: &clock, steps: Int((rule.window + (rule.baseline ?? 0)) / 30) + 40,
            breaching: nil)
        #expect(warmUp.isEmpty)

        let breachStart = clock
        let during = Self.run(&evaluator, &workload, clock: &clock, steps: 60, breaching: name)
        #expect(during.map(\.kind) == [.firing])
        #expect(during.allSatisfy { $0.rule.name == name })
        let firedAfter = try #require(during.first).at.timeIntervalSince(breachStart)
        #expect(firedAfter >= rule.holdFor)
        #expect(evaluator.states[name]?.phase == .firing)

        // Recovery: once the window no longer holds the breach, exactly one resolve.
        let after = Self.run(&evaluator, &workload, clock: &clock, steps: 120, breaching: nil)
        #expect(after.map(\.kind) == [.resolved])
        #expect(evaluator.states[name]?.phase == .inactive)
    }

    @Test func aBreachShorterThanForIsOnlyPending() {
        var evaluator = AlertEvaluator(rules: Self.rules, start: Self.start)
        var workload = AlertWorkload()
        var clock = Self.start
        _ = Self.run(&evaluator, &workload, clock: &clock, steps: 20, breaching: nil)
        // DispatcherStalled holds for 1 minute: 30 s of a stalled queue is pending, then nothing.
        var transitions = Self.run(&evaluator, &workload, clock: &clock, steps: 1, breaching: "DispatcherStalled")
        #expect(evaluator.states["DispatcherStalled"]?.phase == .pending)
        transitions += Self.run(&evaluator, &workload, clock: &clock, steps: 10, breaching: nil)
        #expect(transitions.isEmpty)
        #expect(evaluator.states["DispatcherStalled"]?.phase == .inactive)
    }

    @Test func aRestartWithTheStoredStatesNeitherRefiresNorForgets() {
        var evaluator = AlertEvaluator(rules: Self.rules, start: Self.start)
        var workload = AlertWorkload()
        var clock = Self.start
        _ = Self.run(&evaluator, &workload, clock: &clock, steps: 20, breaching: nil)
        let fired = Self.run(&evaluator, &workload, clock: &clock, steps: 11, breaching: "DeadlineApproaching")
        #expect(fired.count == 1)

        var restarted = AlertEvaluator(rules: Self.rules, states: Array(evaluator.states.values), start: clock)
        let stillBreached = Self.run(&restarted, &workload, clock: &clock, steps: 20, breaching: "DeadlineApproaching")
        #expect(stillBreached.isEmpty)
        let recovered = Self.run(&restarted, &workload, clock: &clock, steps: 2, breaching: nil)
        #expect(recovered.map(\.kind) == [.resolved])
        #expect(recovered.first?.rule.name == "DeadlineApproaching")
    }
}

/// What happens around a restart and while an alert keeps firing.
@Suite struct AlertEvaluatorRestartAndRepeatTests {
    @Test func aLongFiringAlertIsRepeatedEveryRepeatIntervalAndResolvedOnce() {
        var evaluator = AlertEvaluator(
            rules: AlertEvaluatorTests.rules, start: AlertEvaluatorTests.start, repeatInterval: 3600)
        var workload = AlertWorkload()
        var clock = AlertEvaluatorTests.start
        _ = AlertEvaluatorTests.run(&evaluator, &workload, clock: &clock, steps: 20, breaching: nil)
        // 3 h 30 min stalled: fired after its minute, then reminded at 1 h, 2 h and 3 h.
        let stalled = AlertEvaluatorTests.run(
            &evaluator, &workload, clock: &clock, steps: 7 * 60, breaching: "DispatcherStalled")
        #expect(stalled.map(\.kind) == [.firing, .repeated, .repeated, .repeated])
        let times = stalled.map(\.at.timeIntervalSinceReferenceDate)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 3600 })
        let recovered = AlertEvaluatorTests.run(&evaluator, &workload, clock: &clock, steps: 4, breaching: nil)
        #expect(recovered.map(\.kind) == [.resolved])
    }

    @Test func anotherInstancesStatesBringTheirPhaseNotTheirStaleValue() {
        var evaluator = AlertEvaluator(rules: AlertEvaluatorTests.rules, start: AlertEvaluatorTests.start)
        var workload = AlertWorkload()
        var clock = AlertEvaluatorTests.start
        _ = AlertEvaluatorTests.run(&evaluator, &workload, clock: &clock, steps: 1, breaching: "DispatcherStalled")
        let holders = AlertState(
            rule: "DispatcherStalled", phase: .firing, since: AlertEvaluatorTests.start, value: 700,
            notifiedAt: AlertEvaluatorTests.start)
        evaluator.restore([holders])
        #expect(evaluator.states["DispatcherStalled"]?.phase == .firing)
        #expect(evaluator.states["DispatcherStalled"]?.notifiedAt == AlertEvaluatorTests.start)
        #expect(evaluator.states["DispatcherStalled"]?.value == 900)
    }

    @Test func aRestartHoldsAFiringWindowRuleUntilAWholeWindowIsBehindIt() throws {
        var evaluator = AlertEvaluator(rules: AlertEvaluatorTests.rules, start: AlertEvaluatorTests.start)
        var workload = AlertWorkload()
        var clock = AlertEvaluatorTests.start
        _ = AlertEvaluatorTests.run(&evaluator, &workload, clock: &clock, steps: 20, breaching: nil)
        let fired = AlertEvaluatorTests.run(&evaluator, &workload, clock: &clock, steps: 20, breaching: "HighErrorRate")
        #expect(fired.map(\.kind) == [.firing])

        // A restarted gateway counts from zero and has one scrape: its 5-minute ratio means nothing yet.
        var restarted = AlertEvaluator(
            rules: AlertEvaluatorTests.rules, states: Array(evaluator.states.values), start: clock)
        var fresh = AlertWorkload()
        let early = AlertEvaluatorTests.run(&restarted, &fresh, clock: &clock, steps: 9, breaching: nil)
        #expect(early.isEmpty)
        #expect(restarted.states["HighErrorRate"]?.phase == .firing)
        // Once five minutes of healthy traffic are behind it, it resolves, once.
        let later = AlertEvaluatorTests.run(&restarted, &fresh, clock: &clock, steps: 4, breaching: nil)
        #expect(later.map(\.kind) == [.resolved])
    }
}
