import ArgumentParser
import CallbackVerification
import DSRCore
import Foundation
import Persistence

/// `dsr-gateway callback verify`: checks a captured callback exactly as the gateway would; `dsr-gateway callback
/// refused`: the refused callbacks the gateway kept, ready for `verify`.
struct CallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback", abstract: "Runbook commands for processor callbacks.",
        subcommands: [Verify.self, Refused.self])

    /// `callback verify --body FILE --signature BASE64 --domain DOMAIN --certificate-chain PEM [--trust-roots PEM] [--at T]`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a callback body's signature and certificate chain; prints 'valid' or 'invalid: <reason>'."
        )

        @Option(help: "File holding the raw callback body, byte for byte.")
        var body: String

        @Option(help: "The X-OpenDSR-Signature header value (base64).")
        var signature: String

        @Option(help: "The X-OpenDSR-Processor-Domain header value.")
        var domain: String

        @Option(help: "The processor's PEM chain, leaf first.")
        var certificateChain: String

        @Option(help: "Trust roots PEM file (default: the system bundle).")
        var trustRoots: String?

        @Option(help: "Allowed processor domains (repeatable; default: the --domain value).")
        var allowedDomain: [String] = []

        @Option(help: "Validate at this RFC 3339 time instead of now.")
        var at: String?

        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: body) else {
                throw ValidationError("Cannot read \(body).")
            }
            let chainPEM = try readFile(certificateChain)
            let cache = ProcessorCertificateCache(
                fetchChainPEM: { _ in chainPEM },
                trustRoots: try TrustRootsLoader.load(trustRoots.map { .file($0) } ?? .system),
                clock: ManualWallClock(try parseTime(at)))
            let verifier = CallbackVerifier(
                allowedDomains: Set(allowedDomain.isEmpty ? [domain] : allowedDomain), cache: cache)
            do {
                _ = try await verifier.verify(domainHeader: domain, signatureHeader: signature, body: Array(bytes))
                print("valid")
            } catch {
                print("invalid: \(error.reason)")
                throw ExitCode.failure
            }
        }
    }

    /// `callback refused [--limit N] [--export DIR] [--database PATH | --config FILE]`: read from the database, never
    /// migrated (as `requests list`).
    struct Refused: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refused",
            abstract: "List the refused callbacks the gateway kept, newest first; --export writes them out for "
                + "'callback verify'.")

        @OptionGroup var store: StoreOptions

        @Option(help: "At most this many, newest first.")
        var limit = 20

        @Option(
            help: ArgumentHelp(
                "Write each one's raw body and signature header to DIR/refused-<number>.body and .signature, and print "
                    + "the 'callback verify' line that checks it as the gateway did.",
                valueName: "DIR"))
        var export: String?

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
        }

        func run() async throws {
            let kept = try await store.withStore { store in try await store.refusedCallbacks(limit: limit) }
            print(RefusedCallbackTable(callbacks: kept).render())
            guard let export, !kept.isEmpty else { return }
            do {
                try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure("cannot create \(export)")
            }
            print("")
            for callback in kept {
                print(try Self.exportFiles(of: callback, to: export))
            }
        }

        /// Writes `DIR/refused-<id>.body` and, when there was one, `DIR/refused-<id>.signature` (the header value, no
        /// newline); returns the `callback verify` line that checks them, or a shell comment saying why there is none.
        static func exportFiles(of callback: RefusedCallback, to directory: String) throws -> String {
            let name = "refused-\(callback.id)"
            let body = file(directory, "\(name).body")
            try write(callback.body, to: body)
            guard let signature = callback.signature else { return "# \(name): unsigned, nothing to verify" }
            let signatureFile = file(directory, "\(name).signature")
            try write(Array(signature.utf8), to: signatureFile)
            guard let domain = callback.domain else {
                return "# \(name): no X-OpenDSR-Processor-Domain header, nothing to verify against"
            }
            guard RefusedCallbackTable.isPrintableASCII(domain) else {
                return "# \(name): the X-OpenDSR-Processor-Domain header is not printable ASCII (see the table)"
            }
            return "dsr-gateway callback verify --body \(shellWord(body)) "
                + "--signature \"$(cat \(shellWord(signatureFile)))\" --domain \(shellWord(domain)) "
                + "--certificate-chain chain.pem --at \(Timestamp.format(callback.at))"
        }

        /// `name` in `directory`, spelt as given (a trailing slash or not).
        static func file(_ directory: String, _ name: String) -> String {
            directory.hasSuffix("/") ? directory + name : directory + "/" + name
        }

        private static func write(_ bytes: [UInt8], to path: String) throws {
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure("cannot write \(path)")
            }
        }

        /// `text` as one shell word: as it is when it holds only characters no shell treats specially, else in single
        /// quotes (the sender chose the domain).
        static func shellWord(_ text: String) -> String {
            let plain =
                !text.isEmpty
                && text.unicodeScalars.allSatisfy { scalar in
                    switch scalar.value {
                    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
                    default: "-._/:@%+=,".unicodeScalars.contains(scalar)
                    }
                }
            return plain ? text : "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        }
    }
}

/// Refused callbacks as an aligned text table, newest first. The domain is what the sender chose: it is shown with
/// control characters escaped and cut short, so it cannot play tricks on the terminal or the layout.
struct RefusedCallbackTable {
    let callbacks: [RefusedCallback]

    func render() -> String {
        guard !callbacks.isEmpty else { return "no refused callbacks kept" }
        var rows = [["number", "time", "reason", "domain", "claimed id", "body bytes", "signed"]]
        for callback in callbacks {
            rows.append([
                "\(callback.id)", Timestamp.format(callback.at), callback.reason,
                callback.domain.map { Self.printable($0) } ?? "-", callback.claimedId, "\(callback.body.count)",
                callback.signature == nil ? "no" : "yes",
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// Printable ASCII as it is, anything else as `\u{…}`, at most `limit` characters.
    static func printable(_ text: String, limit: Int = 64) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            let plain = (0x20...0x7E).contains(scalar.value)
            shown += plain ? String(Character(scalar)) : "\\u{\(String(scalar.value, radix: 16))}"
        }
        return shown.count > limit ? String(shown.prefix(limit - 1)) + "…" : shown
    }

    /// Nothing but printable ASCII (and spaces): nothing that could act on a terminal or hide what it says.
    static func isPrintableASCII(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
    }
}
