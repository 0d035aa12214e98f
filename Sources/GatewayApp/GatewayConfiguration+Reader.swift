import Configuration
import DSRCore
import Foundation
import GatewayHTTP
import OpenDSR
import Operations
import Workers

extension GatewayConfiguration {
    /// Reads and validates every setting; throws one error listing every problem found.
    package init(reader: ConfigReader) throws {
        var problems: [String] = []
        let processorKey = reader.string(forKey: "processor.workspace_key", isSecret: true)
        let processorSecret = reader.string(forKey: "processor.workspace_secret", isSecret: true)
        if processorKey == nil { problems.append("processor.workspace_key (PROCESSOR_WORKSPACE_KEY) is required") }
        if processorSecret == nil {
            problems.append("processor.workspace_secret (PROCESSOR_WORKSPACE_SECRET) is required")
        }
        let baseURL = reader.string(forKey: "processor.base_url", default: "https://opendsr.mparticle.com/v3")
        if URL(string: baseURL)?.host == nil { problems.append("processor.base_url is not an absolute URL") }
        let publicBaseURL = reader.string(forKey: "public_base_url")
        if let publicBaseURL, URL(string: publicBaseURL)?.host == nil {
            problems.append("public_base_url is not an absolute URL")
        }
        let port = reader.int(forKey: "http.port", default: 8080)
        if !(0...65535).contains(port) { problems.append("http.port must be 0 to 65535") }
        var apiKeys: [APIKey] = []
        for (index, entry) in reader.stringArray(forKey: "api_keys", isSecret: true, default: []).enumerated() {
            do { apiKeys.append(try Self.apiKey(entry)) } catch { problems.append("api_keys[\(index)]: \(error)") }
        }
        if apiKeys.isEmpty { problems.append("api_keys must hold at least one key (name:sha256hex:scope+scope)") }
        let trustRootsFile = reader.string(forKey: "callbacks.trust_roots_file")
        if let trustRootsFile, !FileManager.default.isReadableFile(atPath: trustRootsFile) {
            problems.append("callbacks.trust_roots_file is not a readable file")
        }
        let timeout = reader.double(forKey: "processor.timeout_seconds", default: 10)
        if timeout <= 0 { problems.append("processor.timeout_seconds must be positive") }
        let perMinute = reader.int(forKey: "processor.requests_per_minute", default: 1000)
        let perDay = reader.int(forKey: "processor.submissions_per_day", default: 80_000)
        if perMinute <= 0 || perDay <= 0 {
            problems.append("processor.requests_per_minute and processor.submissions_per_day must be positive")
        }
        let failureThreshold = reader.int(forKey: "processor.circuit_failure_threshold", default: 5)
        let openSeconds = reader.double(forKey: "processor.circuit_open_seconds", default: 30)
        if failureThreshold <= 0 || openSeconds <= 0 {
            problems.append("processor.circuit_failure_threshold and processor.circuit_open_seconds must be positive")
        }
        let events = Self.events(reader: reader, problems: &problems)
        let alerts = Self.alerts(reader: reader, problems: &problems)
        let emfInterval = reader.double(forKey: "metrics.emf_interval_seconds", default: 60)
        if emfInterval <= 0 { problems.append("metrics.emf_interval_seconds must be positive") }
        guard problems.isEmpty, let processorKey, let processorSecret else {
            throw ConfigurationError(problems: problems)
        }
        self.init(
            host: reader.string(forKey: "http.host", default: "127.0.0.1"), port: port, publicBaseURL: publicBaseURL,
            sqlitePath: reader.string(forKey: "store.sqlite_path", default: "dsr-gateway.sqlite"),
            processor: OpenDSRClientConfiguration(
                baseURL: baseURL, workspaceKey: processorKey, workspaceSecret: processorSecret, timeout: timeout,
                requestsPerMinute: perMinute, submissionsPerDay: perDay, circuitFailureThreshold: failureThreshold,
                circuitOpenSeconds: openSeconds),
            callbacks: CallbackConfiguration(
                allowedDomains: Set(
                    reader.stringArray(forKey: "callbacks.allowed_domains", default: [OpenDSRHeaders.mParticleDomain])),
                trustRoots: trustRootsFile.map { .file($0) } ?? .system),
            dispatcher: DispatcherConfiguration(
                pollInterval: reader.double(forKey: "dispatcher.poll_interval_seconds", default: 1),
                batchSize: reader.int(forKey: "dispatcher.batch_size", default: 20),
                skipWaitingPeriod: reader.bool(forKey: "dispatcher.skip_waiting_period", default: false)),
            results: ResultsWorkerConfiguration(
                directory: reader.string(forKey: "results.directory", default: "results"),
                maxBytes: reader.int(forKey: "results.max_bytes", default: 512 << 20),
                retention: Double(reader.int(forKey: "results.retention_days", default: 30)) * 86_400,
                pollInterval: reader.double(forKey: "results.poll_interval_seconds", default: 1)),
            reconciliation: ReconciliationConfiguration(
                staleAfter: reader.double(forKey: "poller.stale_after_seconds", default: 6 * 3600),
                pollInterval: reader.double(forKey: "poller.poll_interval_seconds", default: 1)),
            events: events,
            deadlines: DeadlinePolicy(
                gdprMonths: reader.int(forKey: "deadlines.gdpr_months", default: 1),
                ccpaDays: reader.int(forKey: "deadlines.ccpa_days", default: 45)),
            apiKeys: apiKeys)
        self.alerts = alerts
        if reader.bool(forKey: "metrics.cloudwatch_emf", default: false) {
            cloudWatchEMF = CloudWatchEMFConfiguration(
                environment: reader.string(forKey: "metrics.emf_environment", default: "PROD"), interval: emfInterval)
        }
    }

    /// The Events API settings: off unless `events.input_key` is set; then the secret is required too.
    static func events(reader: ConfigReader, problems: inout [String]) -> EventsConfiguration? {
        guard let key = reader.string(forKey: "events.input_key", isSecret: true) else { return nil }
        guard let secret = reader.string(forKey: "events.input_secret", isSecret: true) else {
            problems.append("events.input_secret (EVENTS_INPUT_SECRET) is required when events.input_key is set")
            return nil
        }
        let environmentName = reader.string(forKey: "events.environment", default: "production")
        guard let environment = EventBatch.Environment(rawValue: environmentName) else {
            problems.append("events.environment must be production or development")
            return nil
        }
        let baseURL = reader.string(forKey: "events.base_url", default: "https://s2s.mparticle.com/v2")
        if URL(string: baseURL)?.host == nil { problems.append("events.base_url is not an absolute URL") }
        return EventsConfiguration(
            client: EventsClientConfiguration(baseURL: baseURL, inputKey: key, inputSecret: secret),
            environment: environment)
    }

    /// Alerting: the rules (`alerts.rules_file` when set, every problem reported with its line, else the defaults),
    /// the timings and where notifications go.
    static func alerts(reader: ConfigReader, problems: inout [String]) -> AlertsConfiguration {
        let interval = reader.double(forKey: "alerts.evaluation_interval_seconds", default: 30)
        let repeatInterval = reader.double(forKey: "alerts.repeat_interval_seconds", default: 4 * 3600)
        let maxAttempts = reader.int(forKey: "alerts.notification_max_attempts", default: 12)
        if interval <= 0 || repeatInterval <= 0 || maxAttempts <= 0 {
            problems.append(
                "alerts.evaluation_interval_seconds, alerts.repeat_interval_seconds and "
                    + "alerts.notification_max_attempts must be positive")
        }
        let destinations = AlertDestinations(
            pagerDutyURL: reader.string(forKey: "alerts.pagerduty.url", default: AlertDestinations.defaultPagerDutyURL),
            pagerDutyRoutingKey: reader.string(forKey: "alerts.pagerduty.routing_key", isSecret: true),
            pagerDutySecurityRoutingKey: reader.string(forKey: "alerts.pagerduty.security_routing_key", isSecret: true),
            slackWebhookURL: reader.string(forKey: "alerts.slack.webhook_url", isSecret: true),
            slackSecurityWebhookURL: reader.string(forKey: "alerts.slack.security_webhook_url", isSecret: true))
        let urls = [
            ("alerts.pagerduty.url", destinations.pagerDutyURL),
            ("alerts.slack.webhook_url", destinations.slackWebhookURL),
            ("alerts.slack.security_webhook_url", destinations.slackSecurityWebhookURL),
            ("alerts.runbook_base_url", reader.string(forKey: "alerts.runbook_base_url")),
        ]
        for case (let key, let url?) in urls
        where URL(string: url).map({ !["http", "https"].contains($0.scheme ?? "") || $0.host == nil }) ?? true {
            problems.append("\(key) is not an http(s) URL")
        }
        let source = reader.string(forKey: "alerts.source", default: "dsr-gateway")
        if source.range(of: #"^[A-Za-z0-9._-]{1,100}$"#, options: .regularExpression) == nil {
            problems.append("alerts.source must be 1 to 100 of A-Z a-z 0-9 . _ -")
        }
        var rules: [AlertRule]?
        if let file = reader.string(forKey: "alerts.rules_file") {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                do { rules = try AlertRulesFile.parse(text) } catch { problems.append("alerts.rules_file \(error)") }
            } else {
                problems.append("alerts.rules_file is not a readable file")
            }
        }
        return AlertsConfiguration(
            rules: rules, evaluationInterval: interval, repeatInterval: repeatInterval, destinations: destinations,
            source: source,
            runbookBaseURL: reader.string(forKey: "alerts.runbook_base_url"), maxAttempts: maxAttempts)
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

/// Invalid configuration: every problem, one per line, without secret values.
package struct ConfigurationError: Error, CustomStringConvertible {
    package var problems: [String]
    package var description: String { problems.joined(separator: "; ") }
}
