import ArgumentParser
import CallbackVerification
import DSRCore
import Foundation

/// `dsr-gateway cert inspect|verify`: runbook commands for certificate incidents.
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Inspect or verify a processor certificate chain (PEM).",
        subcommands: [Inspect.self, Verify.self])

    /// `cert inspect PEM`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print subject, SANs, issuer, validity, days to expiry and SHA-256 fingerprint of each certificate.")

        @Argument(help: "PEM file (one or more certificates).")
        var pem: String

        @Option(help: "Evaluate days to expiry at this RFC 3339 time instead of now.")
        var at: String?

        func run() async throws {
            let report = try CertificateReport(pem: try readFile(pem), at: try parseTime(at))
            print(report.render())
        }
    }

    /// `cert verify PEM [--domain D] [--trust-roots PEM] [--at T]`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a chain (leaf first) to the trust roots for a domain at a time; exit 1 if invalid.")

        @Argument(help: "PEM chain file, leaf first.")
        var pem: String

        @Option(help: "The processor domain the leaf must be issued to.")
        var domain = "opendsr.mparticle.com"

        @Option(help: "Trust roots PEM file (default: the system bundle).")
        var trustRoots: String?

        @Option(help: "Validate at this RFC 3339 time instead of now.")
        var at: String?

        func run() async throws {
            let roots = try TrustRootsLoader.load(trustRoots.map { .file($0) } ?? .system)
            let chainPEM = try readFile(pem)
            let time = try parseTime(at)
            do {
                let validated = try await ChainValidator(trustRoots: roots).validate(
                    chainPEM: chainPEM, domain: domain, at: time)
                print("valid: \(domain), expires \(Timestamp.format(validated.expiresAt))")
            } catch {
                print("invalid: \(error.reason)")
                throw ExitCode.failure
            }
        }
    }
}

/// Reads a text file or fails with a message naming it.
func readFile(_ path: String) throws -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ValidationError("Cannot read \(path).")
    }
    return text
}

/// Parses `--at`, defaulting to now.
func parseTime(_ text: String?) throws -> Date {
    guard let text else { return Date() }
    guard let date = Timestamp.parse(text) else {
        throw ValidationError("--at must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z.")
    }
    return date
}
