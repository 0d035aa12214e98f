import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import NIOPosix
import Persistence
import ProcessorSimulator
import Synchronization
import Testing
import TestSupport

/// Disaster recovery as an operator runs it: `backup` while the gateway takes submissions, `restore` into a new
/// place, a fresh gateway on the restored database — and every request accepted before the backup is there, with
/// its audit trail.
@Suite struct BackupRestoreTests {
    @Test func aBackupTakenUnderLoadRestoresEveryRequestAcceptedBeforeIt() async throws {
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-backup")
        defer { directory.remove() }
        let backup = directory.url.appendingPathComponent("backup.sqlite").path
        let restored = directory.url.appendingPathComponent("restored.sqlite").path
        let acceptedBefore = try await GatewayHarness.with { harness in
            let api = try await harness.api
            let shared = SharedLoad()
            let load = Task {
                await withTaskGroup(of: Void.self) { group in
                    for worker in 0..<4 {
                        group.addTask {
                            var sequence = 0
                            while !shared.stop.load(ordering: .relaxed) {
                                sequence += 1
                                let answer = try? await api.send(
                                    .POST, "/data-subject-requests",
                                    json: [
                                        "regulation": "gdpr", "type": "erasure",
                                        "subjectId": "dr-\(worker)-\(sequence)",
                                    ])
                                if answer?.status == 202, let id = answer?.json?["id"] as? String {
                                    shared.accepted.withLock { $0.append(id) }
                                }
                            }
                        }
                    }
                }
            }
            while shared.accepted.withLock({ $0.count }) < 30 { try await Task.sleep(for: .milliseconds(20)) }
            let before = shared.accepted.withLock { $0 }
            let taken = try await CommandLineRunner.run([
                "backup", "--database", harness.storePath,
                "--out",
                backup,
            ])
            shared.stop.store(true, ordering: .relaxed)
            await load.value
            #expect(taken.status == 0, "\(taken.output) \(taken.errors)")
            #expect(taken.output.contains("integrity ok"))
            // The load went on during the backup and after it.
            #expect(shared.accepted.withLock { $0.count } > before.count)
            // The keys are not in the backup, on purpose: the operator restores them beside the database.
            for suffix in [".subject-key", ".audit-key"] {
                try FileManager.default.copyItem(atPath: harness.storePath + suffix, toPath: restored + suffix)
            }
            return before
        }
        // A backup never overwrites, and a restore never replaces a database that is there.
        let again = try await CommandLineRunner.run(["backup", "--database", backup, "--out", backup])
        #expect(again.status == 1 && again.errors.contains("exists"))
        let restore = try await CommandLineRunner.run([
            "restore", "--database", restored, "--from", backup,
        ])
        #expect(restore.status == 0, "\(restore.output)\(restore.errors)")
        let twice = try await CommandLineRunner.run(["restore", "--database", restored, "--from", backup])
        #expect(twice.status == 1 && twice.errors.contains("exists"))

        // A fresh gateway on the restored file answers for every request accepted before the backup.
        let simulator = try ProcessorSimulator(
            configuration: .init(tickInterval: nil), clock: SystemWallClock(), logger: GatewayHarness.quietLogger)
        let secret = DevEnvironment.randomSecret()
        let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        do {
            try await DevEnvironment.withGateways(
                store: .sqlite(path: restored), simulator: simulator, clock: SystemWallClock(),
                directory: directory.url, secret: secret, pollInterval: 1, logger: GatewayHarness.quietLogger
            ) { ports in
                let client = GatewayAPIClient(
                    baseURL: "http://127.0.0.1:\(ports[0])", apiKey: secret, httpClient: httpClient)
                for id in acceptedBefore {
                    let request = try await client.request(id)
                    #expect(request.audit.first?.event == "received")
                }
            }
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }
}

/// The ids the load's submissions got back 202 for, and the signal to stop it.
private final class SharedLoad: Sendable {
    let accepted = Mutex<[String]>([])
    let stop = Atomic<Bool>(false)
}
