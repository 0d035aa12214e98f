import ArgumentParser
import AuditLog
import Evidence
import Foundation
import Persistence

/// `dsr-gateway requests evidence ID --out FILE.zip`: a request's evidence bundle, read from the database and signed
/// with the audit key (docs/compliance.md).
struct RequestsEvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Write a request's evidence bundle: its record, audit entries with inclusion proofs, the callbacks "
            + "and calls to mParticle that moved it, a signed manifest.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The request id (subject_request_id).")
    var id: String

    @Option(help: "Where to write the bundle (a zip).")
    var out: String

    func run() async throws {
        guard let uuid = UUID(uuidString: id) else { throw ValidationError("\(id) is not a request id.") }
        let signers = try await AuditKeyOptions(store: store).signingKeys().signers
        let bundle = try await store.withStore { store in
            try await EvidenceBundleBuilder(store: store, signers: signers).bundle(for: uuid)
        }
        guard let bundle else { throw CommandFailure("no request \(id) in this store") }
        // It holds the subject (request.json): readable by this user only, as the database is.
        try PrivateFiles.createFileIfMissing(atPath: out)
        try PrivateFiles.restrict(out)
        try bundle.zipped().write(to: URL(fileURLWithPath: out))
        print("wrote \(out): \(bundle.files.count) files; check it with 'dsr-gateway evidence verify \(out)'")
    }
}

/// `dsr-gateway evidence verify FILE.zip [--public-key KEY] [--trust-roots PEM]`: checks a bundle with no database.
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", abstract: "Check a request's evidence bundle offline.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an evidence bundle: the signed manifest, each entry's inclusion proof, each callback's "
                + "signature at its received time. Exits 0 when it all holds, 1 naming what does not.")

        @Argument(
            help: "The bundle (a zip written by 'requests evidence' or GET /data-subject-requests/{id}/evidence).")
        var bundle: String

        @Option(
            name: .customLong("public-key"),
            help: ArgumentHelp(
                "The audit log's verifier key (<name>+<hash>+<key>, from 'audit public-key'); repeatable. Without "
                    + "it the bundle's own key is used, which proves nothing about who signed: the check then exits 1 "
                    + "even when everything is consistent."))
        var publicKeys: [String] = []

        @Option(help: "Trust roots PEM file for the processor's certificate chain (default: the system bundle).")
        var trustRoots: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: bundle) else {
                throw ValidationError("Cannot read \(bundle).")
            }
            let opened: EvidenceBundle
            do { opened = try EvidenceBundle(zip: data) } catch { throw CommandFailure("\(bundle): \(error)") }
            var keys = publicKeys
            if keys.isEmpty {
                keys = String(decoding: opened.files[EvidenceBundle.publicKeyName] ?? [], as: UTF8.self)
                    .split(separator: "\n").map(String.init)
                print(
                    "warning: no --public-key: checking against the key the bundle names (\(keys.joined(separator: ", "))); "
                        + "compare it with 'dsr-gateway audit public-key' from the gateway's operators")
            }
            let verifiers = try keys.map { text in
                do { return try NoteVerifier(encoded: text) } catch { throw CommandFailure("public key: \(error)") }
            }
            let report = await EvidenceVerification(
                bundle: opened, verifiers: verifiers,
                trustRoots: try TrustRootsLoader.load(trustRoots.map { .file($0) } ?? .system)
            ).run()
            for line in report.lines { print(line) }
            guard report.problems.isEmpty else {
                print("evidence BROKEN:")
                for problem in report.problems { print("  \(problem)") }
                throw ExitCode.failure
            }
            let request = report.requestID.map { $0.uuidString.lowercased() } ?? "-"
            guard !publicKeys.isEmpty else {
                // Anyone can sign a bundle with a key of their own: consistent is not authentic.
                print("evidence consistent for request \(request), but NOT AUTHENTICATED: pass --public-key")
                throw ExitCode.failure
            }
            print("evidence intact for request \(request)")
        }
    }
}
