import Foundation
import Operations
import Testing

/// The evaluator on a fake clock: pending → firing → resolved, one transition each, and what a restart keeps.
@Suite struct AlertEvaluatorTests {
    static let start = Date(timeIntervalSince1970: 1_767_690_000)
    static let rules = DefaultAlertRules.rules

    /// Metrics as the gateway would expose them, moved on by each step: counters grow, gauges are set.
    struct Workload {
        var ok = 0.0, errors = 0.0, validated = 0.0, refused = 0.0, failed = 0.0, submitted = 0.0
        var fast = 0.0, slow = 0.0
        var expiresIn = 90.0 * 86_400, imminent = 0.0, oldestQueued = 0.0

        /// One 30-second step, normal or breaching `rule`.
        mutating func step(breaching rule: String?) {
            ok += 100
            errors += rule == "HighErrorRate" ? 20 : 0
            validated += 50
            refused += rule == "CertValidationFailures" ? 5 : 0
            failed += rule == "UpstreamFailures" ? 3 : 0
            submitted += rule == "HighVolume" ? 20 : 1
            fast += rule == "HighLatency" ? 5 : 100
            slow += rule == "HighLatency" ? 95 : 0
            expiresIn = rule == "CertExpiry" ? 20 * 86_400 : 90 * 86_400
            imminent = rule == "DeadlineApproaching" ? 1 : 0
            oldestQueued = rule == "DispatcherStalled" ? 900 : 5
        }

        var text: MetricsText {
            MetricsText(
                """
                dsr_gateway_http_requests_total{method="GET",route="/x",status_class="2xx"} \(ok)
                dsr_gateway_http_requests_total{method="GET",route="/x",status_class="5xx"} \(errors)
                dsr_gateway_certificate_validations_total{result="success"} \(validated)
                dsr_gateway_certificate_validations_total{result="failure"} \(refused)
                dsr_gateway_requests_failed_total{type="erasure",regulation="gdpr"} \(failed)
                dsr_gateway_requests_submitted_total{type="erasure",regulation="gdpr"} \(submitted)
                dsr_gateway_http_request_duration_seconds_bucket{method="GET",route="/x",le="0.1"} \(fast)
                dsr_gateway_http_request_duration_seconds_bucket{method="GET",route="/x",le="5.0"} \(fast + slow)
                dsr_gateway_http_request_duration_seconds_bucket{method="GET",route="/x",le="+Inf"} \(fast + slow)
                dsr_gateway_certificate_expires_in_seconds{domain="opendsr.mparticle.com"} \(expiresIn)
                dsr_gateway_requests_deadline_imminent \(imminent)
                dsr_gateway_queue_oldest_age_seconds \(oldestQueued)
                """)
        }
    }

    /// Runs `steps` 30-second steps from `clock`, returning every transition.
    static func run(
        _ evaluator: inout AlertEvaluator, _ workload: inout Workload, clock: inout Date, steps: Int, breaching: String?
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
        var workload = Workload()
        var clock = Self.start
        // A normal day and an hour first (30 s steps), so windows and the volume baseline have history.
        let warmUp = Self.run(&evaluator, &workload, clock: &clock, steps: 25 * 120, breaching: nil)
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
        var workload = Workload()
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
        var workload = Workload()
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
