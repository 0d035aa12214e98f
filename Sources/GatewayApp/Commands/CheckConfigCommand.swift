import ArgumentParser
import AsyncHTTPClient
import NIOPosix
import Foundation
import Logging
import GatewayHTTP
import OpenDSR
import Operations
import Persistence
import S3
import Workers

/// `dsr-gateway check-config`: validates every setting as `serve` would, then what only the running machine can
/// tell (trust roots parse, directories writable); prints a summary without secrets, exits 1 on any problem.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration (file + environment) as serve would; exit 1 on any problem.")

    @Option(help: "JSON configuration file (keys as in the README).")
    var config: String?

    func run() async throws {
        let loaded = try await ServeCommand.loadConfigurationOrExit(file: config)
        let problems = await Self.machineProblems(loaded)
        guard problems.isEmpty else {
            announce("Invalid configuration:\n- " + problems.joined(separator: "\n- "))
            throw ExitCode(1)
        }
        announce("configuration OK")
        announce(Self.summary(loaded))
    }

    /// What the configuration names but only this machine can confirm.
    static func machineProblems(_ configuration: GatewayConfiguration) async -> [String] {
        var problems: [String] = []
        do {
            if try TrustRootsLoader.load(configuration.callbacks.trustRoots).isEmpty {
                problems.append("callbacks.trust_roots_file holds no certificate")
            }
        } catch {
            problems.append("callbacks.trust_roots_file (or the system CA bundle) cannot be read as PEM certificates")
        }
        switch configuration.store {
        case .sqlite(let path):
            let storeDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !FileManager.default.isWritableFile(atPath: storeDirectory) {
                problems.append("store.sqlite_path: the directory \(storeDirectory) is not writable")
            }
        case .postgres(let url):
            do {
                try await PostgresDatabases.checkWritable(url, logger: Logger(label: "dsr-gateway.check-config"))
            } catch {
                // The error's type only: a server's message may quote the URL.
                problems.append("store.postgres_url: \(url) cannot be reached or written (\(type(of: error)))")
            }
        }
        if let bucket = configuration.resultsObjectStore {
            let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            do {
                // Writes and deletes one small object under the prefix.
                try await S3Client(configuration: bucket, httpClient: httpClient).probe()
            } catch {
                problems.append("results.s3.bucket: \(bucket.bucket) cannot be written and read back (\(error))")
            }
            try? await httpClient.shutdown()
            return problems
        }
        // The results store creates its directory with any missing parents: the nearest one that exists decides.
        let results = URL(fileURLWithPath: configuration.results.directory)
        var existing = results
        while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" {
            existing.deleteLastPathComponent()
        }
        if !FileManager.default.isWritableFile(atPath: existing.path) {
            problems.append("results.directory: \(results.path) cannot be created or written")
        }
        return problems
    }

    /// The effective settings a person checks, secrets left out.
    static func summary(_ configuration: GatewayConfiguration) -> String {
        let routes = configuration.alerts.destinations.configuredRoutes.map(\.rawValue)
        let keys = configuration.apiKeys.map {
            "\($0.name) (\($0.scopes.map(\.rawValue).sorted().joined(separator: "+")))"
        }
        let approval = configuration.approvalRequired ? "required (four eyes)" : "off"
        let lines: [String] = [
            "listen: \(configuration.host):\(configuration.port)",
            "public_base_url: \(configuration.publicBaseURL ?? "not set (callbacks go to the listen address)")",
            "store: \(configuration.store)",
            "results: "
                + (configuration.resultsObjectStore.map { "s3://\($0.bucket)/\($0.prefix)" }
                    ?? configuration.results.directory),
            "processor: \(configuration.processor.baseURL), \(configuration.processor.requestsPerMinute) calls/min, "
                + "workspace credentials set",
            "callbacks: domains \(configuration.callbacks.allowedDomains.sorted().joined(separator: ", "))",
            "events: \(configuration.events == nil ? "off" : "on (\(configuration.events!.client.baseURL))")",
            "alerts: \(configuration.alerts.rules.count) rules, routes with a destination: "
                + (routes.isEmpty ? "none (notifications off)" : routes.joined(separator: ", ")),
            "api keys: \(keys.joined(separator: ", "))",
            "approval: \(approval)",
            auditSummary(configuration),
        ]
        return lines.joined(separator: "\n")
    }

    /// How the audit log is sealed: how often, with which key, copied where.
    private static func auditSummary(_ configuration: GatewayConfiguration) -> String {
        let audit = configuration.audit
        let key = audit.signingKey == nil ? "the key file \(configuration.auditKeyFile)" : "audit.signing_key"
        let rotation = audit.previousSigningKey == nil ? "" : " and audit.previous_signing_key"
        let copies =
            [audit.copyDirectory.map { "to \($0)" }, audit.copyURL.map { "posted to \($0)" }].compactMap { $0 }
            .joined(separator: " and ")
        return "audit: checkpoints every \(Int(audit.interval)) s, signed with \(key)\(rotation), copies "
            + (copies.isEmpty ? "off" : copies)
    }
}
