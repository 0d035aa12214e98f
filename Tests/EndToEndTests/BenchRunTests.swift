import Testing

@testable import GatewayTools

/// `dsr-gateway bench` in miniature: its wrk scripts create, read and call back real requests, and every phase is
/// answered without an error (a wrong id or a bad signature would be a 404 or a 401, counted as errors).
@Suite struct BenchRunTests {
    @Test func everyPhaseIsAnsweredWithoutErrors() async throws {
        let (phases, alerts, pacing) = try await BenchRun(
            seconds: 3, concurrency: 1, pacingLimit: 60, pacingSeconds: 1, alertRounds: 2
        ).run()
        #expect(phases.all.count == 5)
        for phase in phases.all {
            #expect(phase.operations > 0, "\(phase.name)")
            #expect(phase.errors == 0, "\(phase.name)")
        }
        #expect(alerts.rounds == 2)
        #expect(pacing.rateLimited == 0)
    }
}
