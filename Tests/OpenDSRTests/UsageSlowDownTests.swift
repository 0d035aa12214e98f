import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import OpenDSR
import ProcessorSimulator
import Testing
import TestSupport

/// Slowing down on `X-mp-rate-limit-percentage-used` before the processor answers 429.
@Suite struct UsageSlowDownTests {
    static let start = Date(timeIntervalSince1970: 1_767_690_000)

    /// Calls admitted in one simulated minute (1 ms steps) with the processor reporting `percent` throughout.
    static func callsInAMinute(reporting percent: Int) -> Int {
        var fleet = BudgetOnAClock()
        let start = fleet.clock.now
        var calls = 0
        for step in 0..<60_000 {
            fleet.clock.set(start.addingTimeInterval(Double(step) / 1000))
            fleet.observe(percent)
            while fleet.admit() == nil { calls += 1 }
        }
        return calls
    }

    @Test func theRateShrinksWithTheHeadroomTheProcessorReports() {
        // Up to 80 %: full rate (normal calls leave a 1 % reserve of the 1000 for certificate lookups).
        #expect(Self.callsInAMinute(reporting: 50) == 990)
        #expect(Self.callsInAMinute(reporting: 80) == 990)
        // 90 %: half the headroom left → half the rate; 99 %: a twentieth.
        #expect((495...505).contains(Self.callsInAMinute(reporting: 90)))
        #expect((48...52).contains(Self.callsInAMinute(reporting: 99)))
        // 100 %: the next call would be refused; nothing goes out until the reading is a minute old.
        #expect(Self.callsInAMinute(reporting: 100) == 0)
    }

    @Test func aReadingOlderThanAMinuteNoLongerSlowsCallsDown() throws {
        var fleet = BudgetOnAClock()
        fleet.observe(99)
        #expect(fleet.admit() == nil)
        let answer = fleet.admit()
        let held = try #require(answer)
        #expect(held.reason == "processor reports 80 % or more of its rate limit used")
        #expect(abs(held.wait - 1.2) < 0.001)
        fleet.clock.advance(by: 60)
        #expect(fleet.budget.usage?.percent(freshAt: fleet.clock.now) == nil)
        #expect(fleet.admit() == nil)
        #expect(fleet.admit() == nil)
    }

    @Test func whenOurOwnCallsFillTheMinuteTheRollingLimitAloneDecides() throws {
        var fleet = BudgetOnAClock(requestsPerMinute: 100)
        for _ in 0..<100 { #expect(fleet.admit(priority: .urgent) == nil) }
        fleet.observe(100)
        let answer = fleet.admit()
        let held = try #require(answer)
        #expect(held.reason.hasPrefix("workspace rate limit"))
        // A minute and a second: the processor counted each call a little after we sent it.
        #expect(held.wait == 61)
        fleet.clock.advance(by: 61)
        #expect(fleet.admit() == nil)
    }

    @Test func urgentCallsAreNotSlowedDown() {
        var fleet = BudgetOnAClock()
        fleet.observe(99)
        #expect(fleet.admit() == nil)
        #expect(fleet.admit() != nil)
        #expect(fleet.admit(priority: .urgent) == nil)
    }

    /// Against the simulator (workspace limit 100 a minute, the same in our pacer), with another client of the
    /// workspace having spent 70 of them: the headers of real 2xx answers slow the client's status reads down so that
    /// it never causes a 429, although its own limiter alone would have let 100 calls through at once.
    @Test func theHeaderOfRealAnswersKeepsTheClientFromCausingA429() async throws {
        let clock = ManualWallClock(Self.start)
        let logger = Logger(label: "usage-slow-down", factory: { _ in SwiftLogNoOpLogHandler() })
        let simulator = try ProcessorSimulator(
            configuration: SimulatorConfiguration(requestsPerMinute: 100, tickInterval: nil), clock: clock,
            logger: logger)
        // Two clients of one workspace, each with its own store: the other one is not part of our fleet.
        try await TemporaryDatabase.withStore { otherStore in
            try await TemporaryDatabase.withStore { ourStore in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await simulator.run() }
                    // Also on an early return: the simulator runs until cancelled.
                    defer { group.cancelAll() }
                    let baseURL = try await simulator.waitUntilListening()
                    func client(_ ledger: any WorkspaceBudgetLedger) -> OpenDSRClient {
                        OpenDSRClient(
                            httpClient: .shared,
                            configuration: .init(
                                baseURL: baseURL.absoluteString + "/v3", workspaceKey: "sim-key",
                                workspaceSecret: "sim-secret",
                                requestsPerMinute: 100),
                            pacer: ProcessorPacer(
                                clock: clock, ledger: ledger, limits: WorkspaceLimits(requestsPerMinute: 100)))
                    }
                    let other = client(otherStore)
                    let id = UUID().uuidString.lowercased()
                    let body = SubmitRequestBody(
                        regulation: "gdpr", subjectRequestId: id, subjectRequestType: "erasure",
                        submittedTime: Timestamp.format(clock.now),
                        subjectIdentities: ["controller_customer_id": .init(value: "slow-down")])
                    guard case .success = await other.submit(body, logger: logger).outcome else {
                        Issue.record("the simulator refused the submission")
                        return
                    }
                    for _ in 0..<69 { _ = await other.status(subjectRequestId: id, logger: logger) }
                    let ours = client(ourStore)
                    var answered = 0
                    var held = 0
                    // Two simulated minutes in 100 ms steps, one status read attempt per step.
                    for _ in 0..<1_200 {
                        switch await ours.status(subjectRequestId: id, logger: logger).outcome {
                        case .success: answered += 1
                        case .held: held += 1
                        case let other: Issue.record("unexpected outcome \(other.summary)")
                        }
                        clock.advance(by: 0.1)
                    }
                    #expect(answered > 30)
                    #expect(held > 0)
                }
            }
        }
    }
}
