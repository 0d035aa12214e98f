import ArgumentParser
import CallbackVerification
import DSRCore
import Foundation

/// `dsr-gateway callback verify`: checks a captured callback exactly as the gateway would.
struct CallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback", abstract: "Runbook commands for processor callbacks.", subcommands: [Verify.self])

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
}
