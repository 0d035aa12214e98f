import ArgumentParser
import AuditLog
import Configuration
import Foundation
import Persistence
import Workers

/// `dsr-gateway audit verify|public-key`: checks the audit log against its signed checkpoints, and prints the key that
/// checks the signatures (docs/compliance.md).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify the tamper-evident audit log, or print its public key.",
        subcommands: [AuditVerifyCommand.self, AuditPublicKeyCommand.self])
}

/// `audit verify`: exit 0 when every entry is as sealed and every checkpoint consistent with the next; 1 naming the
/// first broken position otherwise.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the audit log's Merkle tree and check it against every signed checkpoint.",
        discussion: """
            Checks the database's checkpoints and those in --checkpoints (copies kept elsewhere: only those catch a \
            truncated or rebuilt log). Exits 0 when intact, 1 naming the first broken position.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "A directory of checkpoint copies (audit.checkpoint_copy_dir) to check as well.")
    var checkpoints: String?

    @Option(
        name: .customLong("public-key"),
        help: "A verifier key (<name>+<hash>+<key>); repeatable. Default: the gateway's own signing keys.")
    var publicKeys: [String] = []

    func run() async throws {
        let verifiers = try await AuditKeyOptions(store: store).verifiers(given: publicKeys)
        let extra = try checkpointCopies()
        let report = try await store.withStore {
            try await AuditLogVerification(store: $0, verifiers: verifiers).run(extra: extra)
        }
        for restore in report.restores { print("restored: \(restore)") }
        guard let first = report.firstBrokenPosition else {
            let latest = report.checkpoints.last.map { "the latest of size \($0.checkpoint.size)" } ?? "none yet"
            let copies = report.checkpoints.filter { $0.location != "database" }.count
            print(
                "audit log intact: \(report.entries) entries; \(report.checkpoints.count) checkpoints verified "
                    + "(\(copies) from copies), \(latest); each consistent with the next")
            return
        }
        print("audit log BROKEN: first broken position \(first)")
        for problem in report.problems.sorted(by: { $0.position < $1.position }) { print("  \(problem)") }
        throw ExitCode(1)
    }

    /// Every `*.checkpoint` file of `--checkpoints`.
    private func checkpointCopies() throws -> [AuditLogVerification.Source] {
        guard let checkpoints else { return [] }
        let directory = URL(fileURLWithPath: checkpoints)
        return try FileManager.default.contentsOfDirectory(atPath: checkpoints).sorted()
            .filter { $0.hasSuffix(".checkpoint") }
            .map { name in
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                return AuditLogVerification.Source(location: "\(checkpoints)/\(name)", note: text)
            }
    }
}

/// `audit public-key`: the verifier key(s) of the gateway's signing key(s), to keep where an auditor can find them.
struct AuditPublicKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "public-key", abstract: "Print the key that verifies the audit log's checkpoints.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        for verifier in try await AuditKeyOptions(store: store).verifiers(given: []) { print(verifier.encoded) }
    }
}

/// The audit keys a command reads as the gateway would: `audit.signing_key` and `audit.previous_signing_key`, else
/// the key file (`audit.signing_key_file`, or beside the SQLite database). Never generates one.
struct AuditKeyOptions {
    let store: StoreOptions

    func verifiers(given: [String]) async throws -> [NoteVerifier] {
        if !given.isEmpty {
            return try given.map { text in
                do { return try NoteVerifier(encoded: text) } catch { throw CommandFailure("--public-key: \(error)") }
            }
        }
        let reader = try await store.reader()
        let location = try await store.location()
        let keyFile =
            reader.string(forKey: "audit.signing_key_file")
            ?? { if case .sqlite(let path) = location { path + ".audit-key" } else { "dsr-gateway-audit.key" } }()
        do {
            return try AuditSigningKeys.load(
                configured: reader.string(forKey: "audit.signing_key", isSecret: true),
                previous: reader.string(forKey: "audit.previous_signing_key", isSecret: true), keyFile: keyFile,
                keyName: "unused", generating: false
            ).keys.verifiers
        } catch {
            throw CommandFailure("\(error); or give the key with --public-key")
        }
    }
}
