import AsyncHTTPClient
import DSRCore
import Foundation
import OpenDSR
import Persistence
import ProcessorSimulator
import RequestUseCases
import ServiceLifecycle
import Synchronization
import TestSupport

/// A worker under test on a ``TestClock``: a real SQLite store, the simulator over loopback on the same dates, and
/// a processor client that counts its calls. Loops run only when the test steps the clock.
struct WorkersHarness: Sendable {
    let clock: TestClock
    let store: SQLiteRequestStore
    let simulator: ProcessorSimulator
    let client: OpenDSRClient
    let calls: CallCounter

    /// Runs `body` with a fresh harness, its client paced to `requestsPerMinute`, and stops everything afterwards.
    static func with<T: Sendable>(
        requestsPerMinute: Int = 1000, _ body: @Sendable (WorkersHarness) async throws -> T
    ) async throws -> T {
        let clock = TestClock(start: GatewayHarness.start)
        let logger = GatewayHarness.quietLogger
        let simulator = try ProcessorSimulator(
            configuration: SimulatorConfiguration(tickInterval: nil), clock: clock.wall, logger: logger)
        let simulatorServices = ServiceGroup(services: [simulator], gracefulShutdownSignals: [], logger: logger)
        return try await TemporaryDatabase.with { database in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await simulatorServices.run() }
                defer { group.cancelAll() }
                let url = try await simulator.waitUntilListening()
                let store = try await SQLiteRequestStore.open(path: database.path, logger: logger)
                let calls = CallCounter()
                let client = OpenDSRClient(
                    httpClient: .shared,
                    configuration: OpenDSRClientConfiguration(
                        baseURL: url.absoluteString + "/v3", workspaceKey: simulator.configuration.workspaceKey,
                        workspaceSecret: simulator.configuration.workspaceSecret),
                    pacer: ProcessorPacer(
                        clock: clock.wall, ledger: store, limits: WorkspaceLimits(requestsPerMinute: requestsPerMinute)),
                    observer: { operation, _, _ in calls.count(operation) })
                let harness = WorkersHarness(
                    clock: clock, store: store, simulator: simulator, client: client, calls: calls)
                do {
                    let result = try await body(harness)
                    try await store.close()
                    await simulatorServices.triggerGracefulShutdown()
                    return result
                } catch {
                    try? await store.close()
                    await simulatorServices.triggerGracefulShutdown()
                    throw error
                }
            }
        }
    }

    /// Stores a new queued erasure request, as `POST /data-subject-requests` does.
    func submit(_ subject: String) async throws -> DSRRequest {
        let intake = RequestIntake(
            store: store, deadlines: DeadlinePolicy(), clock: clock.wall, sendsErasureAttributes: false)
        guard
            case .created(let request) = try await intake.submit(
                .init(regulation: .gdpr, type: .erasure, subject: SubjectIdentity(customerId: subject), source: .api))
        else { throw HarnessError(what: "not created") }
        return request
    }

    /// The request as stored now.
    func stored(_ request: DSRRequest) async throws -> DSRRequest {
        guard let stored = try await store.request(id: request.id) else { throw HarnessError(what: "not stored") }
        return stored
    }

    /// The request's audit trail, oldest first.
    func audit(_ request: DSRRequest) async throws -> [AuditEntry] {
        try await store.auditTrail(id: request.id)
    }

    /// Runs `service` while `body` steps the clock, then cancels it.
    func running<T: Sendable>(
        _ service: some Service, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}

/// Processor calls by operation.
final class CallCounter: Sendable {
    private let counts = Mutex([String: Int]())
    func count(_ operation: String) { counts.withLock { $0[operation, default: 0] += 1 } }
    subscript(_ operation: String) -> Int { counts.withLock { $0[operation, default: 0] } }
}
