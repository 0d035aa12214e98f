import Configuration
import DSRCore
import Foundation
import GatewayHTTP
import OpenDSR
import Persistence
import S3
import Operations
import Settings
import Workers

extension GatewayConfiguration {
    /// Reads and validates every setting; throws one error listing every problem found.
    package init(reader: ConfigReader) throws {
        let (configuration, sections) = Self.read(reader)
        let problems = sections.flatMap(\.problems)
        guard problems.isEmpty, let configuration else { throw ConfigurationError(problems: problems) }
        self = configuration
    }

    /// Every key the gateway reads, with its default and meaning, in reading order: what the README's configuration
    /// table must say (a test checks it).
    package static var documentedKeys: [ConfigurationKey] {
        read(ConfigReader(provider: InMemoryProvider(values: [:]))).sections.flatMap(\.keys)
    }

    /// Reads every section (each component reads its own); the configuration is nil when a required key is missing.
    static func read(_ reader: ConfigReader) -> (configuration: GatewayConfiguration?, sections: [ConfigurationSection])
    {
        func section(_ prefix: String) -> ConfigurationSection { ConfigurationSection(reader, prefix: prefix) }
        let (http, top, store) = (section("http"), section(""), section("store"))
        let host = http.string("host", default: "127.0.0.1", "listen address")
        let port = http.int("port", default: 8080, in: 0...65535, "listen port (0: any free port)")
        let inbound = InboundLimits.read(http)
        let publicBaseURL = top.optionalString(
            "public_base_url", shown: "the listen address",
            "externally reachable base URL; callbacks go to `{public_base_url}/data-subject-requests/{id}/callback`")
        if let publicBaseURL, URL(string: publicBaseURL)?.host == nil {
            top.problem("public_base_url", "is not an absolute URL")
        }
        let sqlitePath = store.string(
            "sqlite_path", default: "dsr-gateway.sqlite",
            "SQLite database file (WAL), unless `store.postgres_url` is set")
        let postgres = store.optionalString(
            "postgres_url", secret: true, shown: "unset (secret)",
            "`postgres://user:password@host:port/database`: keep everything in PostgreSQL instead, shared by every "
                + "instance (see [Running a fleet](#running-a-fleet))")
        let postgresURL = postgres.flatMap(PostgresURL.init)
        if postgres != nil && postgresURL == nil {
            store.problem("postgres_url", "is not a postgres://user@host:port/database URL")
        }
        let subjectKey = store.optionalString(
            "encryption_key", secret: true, shown: "a key file beside the SQLite database (secret)",
            "the 256-bit key (base64) that seals subject ids and emails in the store; required with "
                + "`store.postgres_url` (every instance needs the same one)")
        let previousSubjectKeys = store.strings(
            "previous_encryption_keys", secret: true, default: [],
            "keys subjects may still be sealed with, during a rotation (secret)")
        let subjectKeyFile = store.optionalString(
            "encryption_key_file", shown: "beside the SQLite database (`<path>.subject-key`)",
            "where the gateway keeps the subject key it generates on first start when `store.encryption_key` is unset "
                + "(0600; keep it out of the database's backups)")
        if postgres != nil && subjectKey == nil && subjectKeyFile == nil {
            store.problem(
                "encryption_key",
                "(or store.encryption_key_file) must be set with store.postgres_url: every instance needs the same key")
        }
        let processorSection = section("processor")
        let processor = OpenDSRClientConfiguration.read(processorSection)
        let sendEmailIdentity = processorSection.bool(
            "send_email_identity", default: false,
            "also send the subject's email to mParticle as an identity (off: the customer id only, as the original "
                + "Lambda did; an email widens the erasure to every profile holding it)")
        let callbacksSection = section("callbacks")
        let callbacks = CallbackConfiguration.read(callbacksSection)
        let (dispatcherSection, resultsSection) = (section("dispatcher"), section("results"))
        var dispatcher = DispatcherConfiguration.read(dispatcherSection)
        dispatcher.sendEmailIdentity = sendEmailIdentity
        let results = ResultsWorkerConfiguration.read(resultsSection)
        let objectStoreSection = section("results.s3")
        let objectStore = S3Configuration.read(objectStoreSection, environment: ProcessInfo.processInfo.environment)
        let eventsSection = section("events")
        let events = EventsConfiguration.read(eventsSection)
        let pollerSection = section("poller")
        let reconciliation = ReconciliationConfiguration.read(pollerSection)
        let deadlinesSection = section("deadlines")
        let deadlines = DeadlinePolicy.read(deadlinesSection)
        let alertsSection = section("alerts")
        let alerts = AlertsConfiguration.read(alertsSection)
        let metricsSection = section("metrics")
        let cloudWatchEMF = CloudWatchEMFConfiguration.read(metricsSection)
        let healthSection = section("health")
        let healthCheckTimeout = healthSection.double(
            "check_timeout_seconds", default: 2, in: 0.1...30,
            "the bound on each `GET /health` check; a slower check fails")
        let privacySection = section("privacy")
        let subjectRetentionDays = privacySection.int(
            "retain_subject_days", default: 30, in: 1...3650,
            "days after a request finished (served, cancelled or resolved) before its subject id and email are erased; "
                + "a keyed hash stays, and the audit trail says so")
        let approvalSection = section("approval")
        let approvalRequired = approvalSection.bool(
            "required", default: false,
            "hold every new request in `awaiting_approval` until a key with `requests:approve` other than the "
                + "submitter's approves it (four eyes); its deadline runs meanwhile")
        let auditSection = section("audit")
        let audit = AuditCheckpointerConfiguration.read(auditSection)
        if postgres != nil && audit.signingKey == nil && audit.keyFile == nil {
            auditSection.problem(
                "signing_key",
                "(or audit.signing_key_file) must be set with store.postgres_url: every instance signs with the same key"
            )
        }
        let apiKeys = Self.apiKeys(top)
        let sections = [
            http, top, store, processorSection, callbacksSection, dispatcherSection, resultsSection,
            objectStoreSection, eventsSection,
            pollerSection, deadlinesSection, alertsSection, metricsSection, healthSection, privacySection,
            approvalSection,
            auditSection,
        ]
        guard let processor else { return (nil, sections) }
        var configuration = GatewayConfiguration(
            host: host, port: port, publicBaseURL: publicBaseURL,
            store: postgresURL.map { .postgres($0) } ?? .sqlite(path: sqlitePath), processor: processor,
            callbacks: callbacks, dispatcher: dispatcher, results: results, reconciliation: reconciliation,
            events: events, deadlines: deadlines, apiKeys: apiKeys)
        configuration.alerts = alerts
        configuration.cloudWatchEMF = cloudWatchEMF
        configuration.resultsObjectStore = objectStore
        configuration.healthCheckTimeout = healthCheckTimeout
        configuration.inbound = inbound
        configuration.audit = audit
        configuration.approvalRequired = approvalRequired
        configuration.subjectRetentionDays = subjectRetentionDays
        configuration.subjectKey = subjectKey
        configuration.subjectKeyFile = subjectKeyFile
        configuration.previousSubjectKeys = previousSubjectKeys
        return (configuration, sections)
    }

    /// Reads `api_keys`: `name:sha256hex:scope+scope` entries, at least one.
    static func apiKeys(_ section: ConfigurationSection) -> [APIKey] {
        let scopes = APIScope.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        let entries = section.strings(
            "api_keys", secret: true, default: [],
            "list of `name:sha256hex:scope+scope` (comma-separated in the environment; required, secret); scopes "
                + scopes)
        var keys: [APIKey] = []
        for (index, entry) in entries.enumerated() {
            do { keys.append(try Self.apiKey(entry)) } catch { section.problem("api_keys[\(index)]: \(error)") }
        }
        if keys.isEmpty { section.problem("api_keys", "must hold at least one key (name:sha256hex:scope+scope)") }
        return keys
    }

    /// Parses `name:sha256hex:scope+scope`.
    static func apiKey(_ entry: String) throws -> APIKey {
        let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3 else { throw ConfigurationError(problems: ["expected name:sha256hex:scope+scope"]) }
        var scopes = Set<APIScope>()
        for name in parts[2].split(separator: "+") {
            guard let scope = APIScope(rawValue: String(name)) else {
                let known = APIScope.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(problems: ["unknown scope '\(name)' (known: \(known))"])
            }
            scopes.insert(scope)
        }
        guard let key = APIKey(name: parts[0], sha256Hex: parts[1], scopes: scopes) else {
            throw ConfigurationError(problems: ["the hash must be 64 hex characters (SHA-256 of the key)"])
        }
        return key
    }
}

extension CallbackConfiguration {
    /// Reads `callbacks.*`.
    static func read(_ section: ConfigurationSection) -> CallbackConfiguration {
        let domains = section.strings(
            "allowed_domains", default: [OpenDSRHeaders.mParticleDomain],
            "allowlist for `X-OpenDSR-Processor-Domain`")
        if domains.isEmpty { section.problem("allowed_domains", "must name at least one processor domain") }
        let file = section.optionalString(
            "trust_roots_file", shown: "the system CA bundle", "PEM trust roots for the processor certificate")
        if let file, !FileManager.default.isReadableFile(atPath: file) {
            section.problem("trust_roots_file", "is not a readable file")
        }
        let refusedKept = section.int(
            "refused_kept", default: CallbackConfiguration().refusedKept, in: 0...10_000,
            "refused callbacks kept in the store, byte for byte, for `dsr-gateway callback refused`: the newest, "
                + "at most 10 a minute per reason (0: none)")
        return CallbackConfiguration(
            allowedDomains: Set(domains), trustRoots: file.map { .file($0) } ?? .system, refusedKept: refusedKept)
    }
}

extension EventsConfiguration {
    /// Reads `events.*`: off (nil) unless `events.input_key` is set.
    static func read(_ section: ConfigurationSection) -> EventsConfiguration? {
        let client = EventsClientConfiguration.read(section)
        let name = section.string(
            "environment", default: EventBatch.Environment.production.rawValue,
            "the `environment` of the batches sent (`production` or `development`)")
        guard let environment = EventBatch.Environment(rawValue: name) else {
            section.problem("environment", "must be production or development")
            return nil
        }
        return client.map { EventsConfiguration(client: $0, environment: environment) }
    }
}

extension DeadlinePolicy {
    /// Reads `deadlines.*`.
    static func read(_ section: ConfigurationSection) -> DeadlinePolicy {
        let defaults = DeadlinePolicy()
        var policy = DeadlinePolicy(
            gdprMonths: section.int(
                "gdpr_months", default: defaults.gdprMonths, in: 1...3, "GDPR deadline in calendar months"),
            ccpaDays: section.int("ccpa_days", default: defaults.ccpaDays, in: 1...90, "CCPA deadline in days"),
            gdprExtensionMonths: section.int(
                "gdpr_extension_months", default: defaults.gdprExtensionMonths, in: 1...2,
                "calendar months one extension of a GDPR deadline adds (Art. 12(3) allows up to two)"),
            ccpaExtensionDays: section.int(
                "ccpa_extension_days", default: defaults.ccpaExtensionDays, in: 1...45,
                "days one extension of a CCPA deadline adds (up to 45)"))
        let zoneName = section.string(
            "time_zone", default: "UTC",
            "the IANA time zone (e.g. `Europe/Berlin`) whose days deadlines end with: a deadline is the last second of "
                + "its day there")
        if let zone = TimeZone(identifier: zoneName) {
            policy.timeZone = zone
        } else {
            section.problem("time_zone", "must be an IANA time zone name such as UTC or Europe/Berlin")
        }
        return policy
    }
}

extension CloudWatchEMFConfiguration {
    /// Reads `metrics.*`: nil unless `metrics.cloudwatch_emf` is true.
    static func read(_ section: ConfigurationSection) -> CloudWatchEMFConfiguration? {
        let defaults = CloudWatchEMFConfiguration()
        let on = section.bool(
            "cloudwatch_emf", default: false,
            "also write the operations guide's metrics as CloudWatch Embedded Metric Format lines on standard output "
                + "(namespace `MParticleAPI`, dimensions `Environment`, `RequestType`)")
        let environment = section.string(
            "emf_environment", default: defaults.environment, "the `Environment` dimension")
        let interval = section.double(
            "emf_interval_seconds", default: defaults.interval, in: 1...86_400, "seconds between EMF reports")
        return on ? CloudWatchEMFConfiguration(environment: environment, interval: interval) : nil
    }
}

extension AlertsConfiguration {
    /// Reads `alerts.*`: the rules (`alerts.rules_file` when set, every problem reported with its line, else the
    /// defaults), the timings and where notifications go.
    static func read(_ section: ConfigurationSection) -> AlertsConfiguration {
        let defaults = AlertsConfiguration()
        let file = section.optionalString(
            "rules_file", shown: "the built-in rules", "alert rules (see [Alert rules](#alert-rules))")
        let interval = section.double(
            "evaluation_interval_seconds", default: defaults.evaluationInterval, in: 1...3600,
            "how often the rules are evaluated")
        let repeatInterval = section.double(
            "repeat_interval_seconds", default: defaults.repeatInterval, in: 60...(7 * 86_400),
            shown: "`14400` (4 h)", "reminder interval while an alert keeps firing")
        let maxAttempts = section.int(
            "notification_max_attempts", default: defaults.maxAttempts, in: 1...1000,
            "attempts per notification before it is given up (12: about 18 minutes of backoff)")
        let destinations = AlertDestinations(
            pagerDutyURL: section.string(
                "pagerduty.url", default: defaults.destinations.pagerDutyURL,
                "the PagerDuty Events API endpoint (EU accounts: `https://events.eu.pagerduty.com/v2/enqueue`)"),
            pagerDutyRoutingKey: section.optionalString(
                "pagerduty.routing_key", secret: true, shown: "unset (secret)",
                "PagerDuty Events API v2 integration key of the `pagerduty` route"),
            pagerDutySecurityRoutingKey: section.optionalString(
                "pagerduty.security_routing_key", secret: true, shown: "unset (secret)",
                "integration key of the `pagerduty-security` route (falls back to the `pagerduty` one)"),
            slackWebhookURL: section.optionalString(
                "slack.webhook_url", secret: true, shown: "unset (secret)",
                "Slack incoming webhook of the `slack` route"),
            slackSecurityWebhookURL: section.optionalString(
                "slack.security_webhook_url", secret: true, shown: "unset (secret)",
                "webhook of the `slack-security` route (falls back to the `slack` one)"))
        let source = section.string(
            "source", default: defaults.source,
            "the name notifications report as (PagerDuty `source`, the start of every `dedup_key`): one per "
                + "deployment, the same on every instance")
        let runbookBaseURL = section.optionalString(
            "runbook_base_url", "a URL prefix that turns runbook paths into links")
        let urls = [
            ("pagerduty.url", destinations.pagerDutyURL), ("slack.webhook_url", destinations.slackWebhookURL),
            ("slack.security_webhook_url", destinations.slackSecurityWebhookURL),
            ("runbook_base_url", runbookBaseURL),
        ]
        for case (let key, let url?) in urls
        where URL(string: url).map({ !["http", "https"].contains($0.scheme ?? "") || $0.host == nil }) ?? true {
            section.problem(key, "is not an http(s) URL")
        }
        if source.range(of: #"^[A-Za-z0-9._-]{1,100}$"#, options: .regularExpression) == nil {
            section.problem("source", "must be 1 to 100 of A-Z a-z 0-9 . _ -")
        }
        var rules: [AlertRule]?
        if let file {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                do { rules = try AlertRulesFile.parse(text) } catch { section.problem("rules_file", "\(error)") }
            } else {
                section.problem("rules_file", "is not a readable file")
            }
        }
        return AlertsConfiguration(
            rules: rules, evaluationInterval: interval, repeatInterval: repeatInterval, destinations: destinations,
            source: source, runbookBaseURL: runbookBaseURL, maxAttempts: maxAttempts)
    }
}

/// Invalid configuration: every problem, one per line, without secret values.
package struct ConfigurationError: Error, CustomStringConvertible {
    package var problems: [String]
    package var description: String { problems.joined(separator: "; ") }
}
