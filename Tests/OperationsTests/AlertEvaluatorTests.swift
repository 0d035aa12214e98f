import Foundation
import Operations
import Persistence
import Testing
import TestSupport

/// The evaluator on a fake clock: pending → firing → resolved, one transition each, reminders while firing, and what
/// a restart or another instance's states keep.
@Suite struct AlertEvaluatorTests {
    static let start = Date(timeIntervalSince1970: 1_767_690_000)
    static let rules = DefaultAlertRules.rules

    /// An evaluator fed 30-second steps of a workload on its own clock.
    struct Run {
        var evaluator: AlertEvaluator
        var workload = AlertWorkload()
        var clock = AlertEvaluatorTests.start

        init(repeatInterval: TimeInterval = 4 * 3600) {
            evaluator = AlertEvaluator(
                rules: AlertEvaluatorTests.rules, start: AlertEvaluatorTests.start, repeatInterval: repeatInterval)
        }

        /// `steps` steps, normal or breaching `rule`; every transition they caused.
        mutating func run(_ steps: Int, breaching rule: String? = nil) -> [AlertTransition] {
            var transitions: [AlertTransition] = []
            for _ in 0..<steps {
                clock.addTimeInterval(30)
                workload.step(breaching: rule)
                transitions += evaluator.evaluate(workload.text, at: clock)
            }
            return transitions
        }

        /// The same gateway restarted: the stored states, no history, counters from zero.
        func restarted() -> Run {
            var run = self
            run.evaluator = AlertEvaluator(
                rules: AlertEvaluatorTests.rules, states: Array(evaluator.states.values), start: clock)
            run.workload = AlertWorkload()
            return run
        }

        func phase(_ rule: String) -> AlertState.Phase? { evaluator.states[rule]?.phase }
    }

    @Test(arguments: rules.map(\.name))
    func aSustainedBreachFiresOnceAfterForAndResolvesOnce(rule name: String) throws {
        let rule = try #require(Self.rules.first { $0.name == name })
        var run = Run()
        // Normal traffic first until the rule's window (and the volume rule's day of baseline) has history, and 20
        // minutes more.
        let warmUp = run.run(Int((rule.window + (rule.baseline ?? 0)) / 30) + 40)
        #expect(warmUp.isEmpty)

        let breachStart = run.clock
        let implied = AlertWorkload.implied[name] ?? []
        let allDuring = run.run(60, breaching: name)
        let during = allDuring.filter { $0.rule.name == name }
        #expect(during.map(\.kind) == [.firing])
        #expect(allDuring.allSatisfy { $0.rule.name == name || implied.contains($0.rule.name) })
        let firedAfter = try #require(during.first).at.timeIntervalSince(breachStart)
        #expect(firedAfter >= rule.holdFor)
        #expect(run.phase(name) == .firing)

        // Recovery: once the window no longer holds the breach, exactly one resolve.
        let after = run.run(120)
        #expect(after.filter { $0.rule.name == name }.map(\.kind) == [.resolved])
        #expect(after.allSatisfy { $0.rule.name == name || implied.contains($0.rule.name) })
        #expect(run.phase(name) == .inactive)
    }

    @Test func aBreachShorterThanForIsOnlyPending() {
        var run = Run()
        _ = run.run(20)
        // DispatcherStalled holds for 1 minute: 30 s of a stalled queue is pending, then nothing.
        var transitions = run.run(1, breaching: "DispatcherStalled")
        #expect(run.phase("DispatcherStalled") == .pending)
        transitions += run.run(10)
        #expect(transitions.isEmpty)
        #expect(run.phase("DispatcherStalled") == .inactive)
    }

    @Test func aRestartWithTheStoredStatesNeitherRefiresNorForgets() {
        var run = Run()
        _ = run.run(20)
        let fired = run.run(11, breaching: "DeadlineApproaching")
        #expect(fired.count == 1)

        var restarted = run.restarted()
        let stillBreached = restarted.run(20, breaching: "DeadlineApproaching")
        #expect(stillBreached.isEmpty)
        let recovered = restarted.run(2)
        #expect(recovered.map(\.kind) == [.resolved])
        #expect(recovered.first?.rule.name == "DeadlineApproaching")
    }

    @Test func aRestartHoldsAFiringWindowRuleUntilAWholeWindowIsBehindIt() {
        var run = Run()
        _ = run.run(20)
        let fired = run.run(20, breaching: "HighErrorRate")
        #expect(fired.map(\.kind) == [.firing])

        // A restarted gateway counts from zero and has one scrape: its 5-minute ratio means nothing yet.
        var restarted = run.restarted()
        let early = restarted.run(9)
        #expect(early.isEmpty)
        #expect(restarted.phase("HighErrorRate") == .firing)
        // Once five minutes of healthy traffic are behind it, it resolves, once.
        let later = restarted.run(4)
        #expect(later.map(\.kind) == [.resolved])
    }

    @Test func aLongFiringAlertIsRepeatedEveryRepeatIntervalAndResolvedOnce() {
        var run = Run(repeatInterval: 3600)
        _ = run.run(20)
        // 3 h 30 min stalled: fired after its minute, then reminded at 1 h, 2 h and 3 h.
        let stalled = run.run(7 * 60, breaching: "DispatcherStalled")
        #expect(stalled.map(\.kind) == [.firing, .repeated, .repeated, .repeated])
        let times = stalled.map(\.at.timeIntervalSinceReferenceDate)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 3600 })
        let recovered = run.run(4)
        #expect(recovered.map(\.kind) == [.resolved])
    }

    @Test func anotherInstancesStatesBringTheirPhaseNotTheirStaleValue() {
        var run = Run()
        _ = run.run(1, breaching: "DispatcherStalled")
        let holders = AlertState(
            rule: "DispatcherStalled", phase: .firing, since: Self.start, value: 700, notifiedAt: Self.start)
        run.evaluator.restore([holders])
        #expect(run.phase("DispatcherStalled") == .firing)
        #expect(run.evaluator.states["DispatcherStalled"]?.notifiedAt == Self.start)
        #expect(run.evaluator.states["DispatcherStalled"]?.value == 900)
    }
}
