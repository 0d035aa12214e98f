import Foundation
import HTTPTypes
import Hummingbird

/// Loopback-only, unauthenticated controls for tests, soak runs and `simulate-processor` play.
///
/// - `GET /_sim/requests`: `SimulatorSnapshot` (ids, statuses, callback counts; no identities)
/// - `GET|POST /_sim/faults`: read or replace `SimulatorFaults` (JSON)
/// - `POST /_sim/certificate/rotate`: new leaf under the same root; answers with the new chain PEM
/// - `POST /_sim/advance?seconds=N`: advance a `ManualWallClock` by N seconds, then tick; answers the snapshot
/// - `POST /_sim/tick`, `POST /_sim/flush`: run the lifecycle now / send queued callbacks now
struct AdminController: Sendable {
    let simulator: ProcessorSimulator

    /// Adds the routes under `/_sim`.
    func register(on router: Router<SimulatorRequestContext>) {
        let group = router.group("_sim").add(middleware: LoopbackOnlyMiddleware())
        group.get("requests") { _, _ in try await self.snapshot() }
        group.get("faults") { _, _ in try WireResponder.json(encoding: self.simulator.faults) }
        group.post("faults", use: setFaults)
        group.post("certificate/rotate") { _, _ in try self.simulator.rotateCertificate().chainPEM }
        group.post("advance", use: advance)
        group.post("tick") { _, _ in
            await self.simulator.tick()
            return try await self.snapshot()
        }
        group.post("flush") { _, _ in
            await self.simulator.flushCallbacks()
            return try await self.snapshot()
        }
    }

    @Sendable func setFaults(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        let faults: SimulatorFaults
        do {
            faults = try await request.decode(as: SimulatorFaults.self, context: context)
        } catch {
            throw SimulatorError.invalid("The body must be a faults object.")
        }
        simulator.setFaults(faults)
        return try WireResponder.json(encoding: simulator.faults)
    }

    @Sendable func advance(_ request: Request, context: SimulatorRequestContext) async throws -> Response {
        guard let seconds = request.uri.queryParameters["seconds"].flatMap({ TimeInterval(String($0)) }), seconds >= 0
        else { throw SimulatorError.invalid("The seconds query parameter must be a non-negative number.") }
        do {
            try await simulator.advance(by: seconds)
        } catch {
            throw SimulatorError(
                .conflict, "The simulator clock is not a manual clock", reason: "Conflict", domain: "Admin")
        }
        return try await snapshot()
    }

    private func snapshot() async throws -> Response {
        try WireResponder.json(encoding: await simulator.snapshot())
    }
}
