import ArgumentParser
import AuditLog
import Configuration
import DSRCore
import Foundation
import Persistence
import Workers

/// `dsr-gateway audit verify|public-key`: checks the audit log against its signed checkpoints, and prints the key that
/// checks the signatures (docs/compliance.md).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify the tamper-evident audit log, or print its public key.",
        subcommands: [AuditVerifyCommand.self, AuditPublicKeyCommand.self, AuditAcknowledgeRestoreCommand.self])
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

    @Option(help: "The log's origin (default: audit.origin); checkpoints of another origin are reported.")
    var origin: String?

    func run() async throws {
        let options = AuditKeyOptions(store: store)
        let verifiers = try await options.verifiers(given: publicKeys)
        let origin = try await options.origin(given: origin)
        let extra = try Self.checkpointCopies(in: checkpoints)
        let report = try await store.withStore {
            try await AuditLogVerification(store: $0, verifiers: verifiers, origin: origin).run(extra: extra)
        }
        for restore in report.restores { print("restored: \(restore)") }
        guard let first = report.firstBrokenPosition else {
            let sealed = report.checkpoints.last?.checkpoint.size ?? 0
            let copies = report.checkpoints.filter { $0.location != "database" }.count
            let tail =
                sealed < report.entries
                ? "; entries \(sealed)…\(report.entries - 1) are not sealed yet (checked against their own hashes only)"
                : ""
            print(
                "audit log intact: \(report.entries) entries, sealed up to \(sealed) by \(report.checkpoints.count) "
                    + "checkpoints (\(copies) from copies), each consistent with the next\(tail)")
            return
        }
        print("audit log BROKEN: first broken position \(first)")
        for problem in report.problems.sorted(by: { $0.position < $1.position }) { print("  \(problem)") }
        throw ExitCode(1)
    }

    /// Every `*.checkpoint` file of a copies directory.
    static func checkpointCopies(in checkpoints: String?) throws -> [AuditLogVerification.Source] {
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

/// `audit acknowledge-restore`: after a restore from a backup, records in a signed checkpoint which copies the log no
/// longer reaches, so the gateway seals again and `audit verify` lists them as a restore, not a truncation. Only for a
/// restore a person did: it makes a cut-off tail official.
struct AuditAcknowledgeRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acknowledge-restore",
        abstract: "Record in a signed checkpoint that the audit log was restored from a backup.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The checkpoint copies directory (default: audit.checkpoint_copy_dir).")
    var checkpoints: String?

    func run() async throws {
        let options = AuditKeyOptions(store: store)
        let reader = try await store.reader()
        guard let directory = checkpoints ?? reader.string(forKey: "audit.checkpoint_copy_dir") else {
            throw CommandFailure("no copies to compare with: give --checkpoints or set audit.checkpoint_copy_dir")
        }
        let configuration = AuditCheckpointerConfiguration(
            origin: try await options.origin(given: nil), copyDirectory: directory,
            copyURL: reader.string(forKey: "audit.checkpoint_copy_url"))
        let keys = try await options.signingKeys()
        let (lost, sealed) = try await store.withStore { store in
            let checkpointer = AuditCheckpointer(
                store: store, keys: keys, configuration: configuration, clock: SystemWallClock(),
                logger: StoreOptions.logger)
            let lost = try await checkpointer.lostCopies()
            guard !lost.isEmpty else { return (lost, StoredCheckpoint?.none) }
            return (lost, try await checkpointer.seal(acknowledgingRestore: true))
        }
        guard let sealed else { throw CommandFailure("nothing to record: every copy is part of this log") }
        print(
            "recorded the restore in a checkpoint of \(sealed.size) entries; copies of \(lost.map(\.size)) entries are "
                + "not part of this log")
    }
}

/// The audit settings a command reads as the gateway would: `audit.signing_key` and `audit.previous_signing_key`, else
/// the key file (`audit.signing_key_file`, or beside the SQLite database), and `audit.origin`. Never generates a key.
struct AuditKeyOptions {
    let store: StoreOptions

    func verifiers(given: [String]) async throws -> [NoteVerifier] {
        guard given.isEmpty else {
            return try given.map { text in
                do { return try NoteVerifier(encoded: text) } catch { throw CommandFailure("--public-key: \(error)") }
            }
        }
        return try await signingKeys().verifiers
    }

    func signingKeys() async throws -> AuditSigningKeys {
        let reader = try await store.reader()
        let keyFile = GatewayConfiguration.auditKeyFile(
            configured: reader.string(forKey: "audit.signing_key_file"), store: try await store.location())
        do {
            return try AuditSigningKeys.load(
                configured: reader.string(forKey: "audit.signing_key", isSecret: true),
                previous: reader.string(forKey: "audit.previous_signing_key", isSecret: true), keyFile: keyFile,
                keyName: "unused", generating: false
            ).keys
        } catch {
            throw CommandFailure("\(error); or give the key with --public-key")
        }
    }

    func origin(given: String?) async throws -> String {
        if let given { return given }
        return try await store.reader().string(forKey: "audit.origin", default: AuditCheckpointerConfiguration().origin)
    }
}
