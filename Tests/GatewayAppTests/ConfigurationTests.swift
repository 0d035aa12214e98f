import Configuration
import Foundation
import GatewayApp
import OpenDSR
import Persistence
import Testing

/// What the configuration reader accepts, refuses and documents.
@Suite struct ConfigurationTests {
    static let required: [AbsoluteConfigKey: ConfigValue] = [
        "processor.workspace_key": "k", "processor.workspace_secret": "s",
        "api_keys": .init(.stringArray(["support:\(String(repeating: "a", count: 64)):requests:read"]), isSecret: true),
    ]

    static func read(_ values: [AbsoluteConfigKey: ConfigValue]) -> Result<GatewayConfiguration, ConfigurationError> {
        let reader = ConfigReader(provider: InMemoryProvider(values: required.merging(values) { $1 }))
        do { return .success(try GatewayConfiguration(reader: reader)) } catch {
            return .failure(error as! ConfigurationError)
        }
    }

    @Test func theReadmeTableIsTheOneTheReaderDocuments() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let expected = GatewayConfiguration.markdownTable
        #expect(text.contains(expected + "\n"), "README.md's configuration table should be:\n\(expected)")
        // Every key is documented once, with a default and a meaning.
        let names = GatewayConfiguration.documentedKeys.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.contains("events.timeout_seconds"))
    }

    @Test(arguments: [
        ("dispatcher.poll_interval_seconds", ConfigValue(.double(0), isSecret: false)),
        ("dispatcher.poll_interval_seconds", .init(.double(-1), isSecret: false)),
        ("results.poll_interval_seconds", .init(.double(0), isSecret: false)),
        ("poller.poll_interval_seconds", .init(.double(0), isSecret: false)),
        ("dispatcher.batch_size", .init(.int(0), isSecret: false)),
        ("dispatcher.batch_size", .init(.int(-5), isSecret: false)),
        ("deadlines.ccpa_days", .init(.int(-1), isSecret: false)),
        ("deadlines.gdpr_extension_months", .init(.int(3), isSecret: false)),
        ("deadlines.time_zone", .init(.string("Mars/Olympus_Mons"), isSecret: false)),
        ("results.retention_days", .init(.int(-3), isSecret: false)),
        ("results.max_bytes", .init(.int(-1), isSecret: false)),
        ("callbacks.refused_kept", .init(.int(-1), isSecret: false)),
        ("callbacks.refused_kept", .init(.int(10_001), isSecret: false)),
        ("processor.timeout_seconds", .init(.double(0), isSecret: false)),
        ("events.timeout_seconds", .init(.double(0), isSecret: false)),
        ("processor.base_url", .init(.string("http://opendsr.example.com/v3"), isSecret: false)),
        ("processor.base_url", .init(.string("not a url"), isSecret: false)),
    ])
    func outOfRangeSettingsAreRefusedByName(key: String, value: ConfigValue) {
        guard case .failure(let error) = Self.read([AbsoluteConfigKey(stringLiteral: key): value]) else {
            Issue.record("\(key) = \(value) was accepted")
            return
        }
        #expect(error.problems.contains { $0.hasPrefix(key + " must be") }, "\(error.problems)")
    }

    @Test func eventsTimeoutIsRead() throws {
        let configuration = try Self.read([
            "events.input_key": "i", "events.input_secret": "s", "events.timeout_seconds": 3,
        ]).get()
        #expect(configuration.events?.client.timeout == 3)
    }

    @Test func refusedCallbacksKeptDefaultsToAHundredAndZeroKeepsNone() throws {
        #expect(try Self.read([:]).get().callbacks.refusedKept == 100)
        #expect(try Self.read(["callbacks.refused_kept": 0]).get().callbacks.refusedKept == 0)
    }

    @Test func anEmptyCallbackAllowlistIsRefused() {
        guard
            case .failure(let error) = Self.read(["callbacks.allowed_domains": .init(.stringArray([]), isSecret: false)]
            )
        else {
            Issue.record("accepted")
            return
        }
        #expect(error.problems.contains { $0.hasPrefix("callbacks.allowed_domains") })
    }

    @Test func aFleetNeedsItsSharedKeysConfigured() throws {
        guard case .failure(let error) = Self.read(["store.postgres_url": "postgres://gw@db.internal:5432/dsr"]) else {
            Issue.record("a PostgreSQL store without shared keys was accepted")
            return
        }
        #expect(error.problems.contains { $0.hasPrefix("store.encryption_key") })
        #expect(error.problems.contains { $0.hasPrefix("audit.signing_key") })
        let keyed = try Self.read([
            "store.postgres_url": "postgres://gw@db.internal:5432/dsr",
            "store.encryption_key": .init(.string(SubjectKeys.generate()), isSecret: true),
            "audit.signing_key_file": "/etc/dsr-gateway/audit.key",
        ]).get()
        #expect(keyed.auditKeyFile == "/etc/dsr-gateway/audit.key")
    }
}
