import ArgumentParser
import Foundation
import Persistence

/// `dsr-gateway results open FILE --out FILE.zip`: a results archive the directory store sealed at rest, opened with
/// the subject keys (docs/compliance.md).
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "Open the access results archives the gateway stored.",
        subcommands: [Open.self])

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a sealed results archive (<id>.zip.sealed in results.directory) into a plain zip.",
            discussion: """
                The keys are the store's (store.encryption_key and store.previous_encryption_keys, or the key file \
                beside the SQLite database). The zip is written 0600; its SHA-256 is the one the audit trail's \
                results_stored entry recorded.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: "The sealed archive: a path or a file:// location.")
        var archive: String

        @Option(help: "Where to write the zip.")
        var out: String

        func run() async throws {
            let file = URL(string: archive).flatMap { $0.isFileURL ? $0 : nil } ?? URL(fileURLWithPath: archive)
            let name = file.lastPathComponent
            guard name.hasSuffix(".zip.sealed") else {
                throw ValidationError("\(archive) is not a sealed results archive (<id>.zip.sealed).")
            }
            let requestID = String(name.dropLast(".zip.sealed".count))
            // Opening the store loads its keys (and checks them against the database).
            try await store.withStore { _ in
                do {
                    try SealedArchive.open(file, to: URL(fileURLWithPath: out), requestID: requestID)
                } catch {
                    throw CommandFailure("\(archive): \(error)")
                }
            }
            print("wrote \(out)")
        }
    }
}
