import AuditLog
import Configuration
import DSRCore
import Foundation
import Operations
import GatewayHTTP
import OpenDSR
import Persistence
import S3
import Workers

/// Everything the gateway needs to run, read from a `ConfigReader` (environment over JSON file over defaults).
///
/// Keys use dots in the JSON file (`processor.base_url`) and upper snake case in the environment
/// (`PROCESSOR_BASE_URL`). Secrets are read as secrets and never printed.
package struct GatewayConfiguration: Sendable {
    /// Address to listen on.
    package var host: String
    package var port: Int
    /// Externally reachable base URL, used in `status_callback_urls`. When unset the
    /// gateway uses the address it listens on, which only suits local runs.
    package var publicBaseURL: String?
    /// Where requests, audit trails and alert states are kept.
    package var store: StoreLocation
    package var processor: OpenDSRClientConfiguration
    package var callbacks: CallbackConfiguration
    package var dispatcher: DispatcherConfiguration
    package var results: ResultsWorkerConfiguration
    /// S3 (or an S3-compatible store) for results archives; nil keeps them in `results.directory`.
    package var resultsObjectStore: S3Configuration? = nil
    package var reconciliation: ReconciliationConfiguration
    /// The mParticle Events API; nil turns off `POST /events` and the erasure attributes.
    package var events: EventsConfiguration?
    package var deadlines: DeadlinePolicy
    /// API keys as `name:sha256hex:scope+scope`.
    package var apiKeys: [APIKey]
    /// CloudWatch Embedded Metric Format lines on standard output; nil (the default) turns them off.
    package var cloudWatchEMF: CloudWatchEMFConfiguration? = nil
    /// The alert rules and how often they are evaluated.
    package var alerts = AlertsConfiguration()
    /// The bound on each `GET /health` check, in seconds: a check slower than this fails.
    package var healthCheckTimeout: TimeInterval = 2
    /// Connections, headers, idle time and request rates accepted from the network.
    package var inbound = InboundLimits()
    /// `store.encryption_key`: seals subject ids and emails (unset: the key file beside the SQLite database).
    package var subjectKey: String?
    /// `store.previous_encryption_keys`: keys subjects may still be sealed with during a rotation.
    package var previousSubjectKeys: [String] = []
    /// `store.encryption_key_file`: where the generated subject key is kept (unset: beside the SQLite database).
    package var subjectKeyFile: String?

    /// The subject keys; a key is generated into the store's key file when none is configured or kept there yet.
    package func subjectKeys(generating: Bool) throws(SubjectKeyError) -> (keys: SubjectKeys, generated: Bool) {
        try SubjectKeys.load(
            configured: subjectKey, previous: previousSubjectKeys, keyFile: subjectKeyFile ?? store.subjectKeyFile,
            generating: generating)
    }

    /// Days after a request finished (owing its subject nothing) before its subject id and email are erased.
    package var subjectRetentionDays = 30
    /// New requests wait in `awaiting_approval` until a second person approves them.
    package var approvalRequired = false
    /// Who signs the audit log's checkpoints, how often, and where copies go.
    package var audit = AuditCheckpointerConfiguration()

    /// Where the generated audit signing key lives: `audit.signing_key_file`, else beside the SQLite database (with
    /// PostgreSQL one of `audit.signing_key` or `audit.signing_key_file` is required).
    package var auditKeyFile: String {
        Self.auditKeyFile(configured: audit.keyFile, store: store)
    }

    /// The audit key file for a store: `configured`, else beside the SQLite database.
    package static func auditKeyFile(configured: String?, store: StoreLocation) -> String {
        if let configured { return configured }
        if case .sqlite(let path) = store { return path + ".audit-key" }
        return "dsr-gateway-audit.key"
    }

    /// The audit signing keys; a key is generated into ``auditKeyFile`` when none exists and `generating` is true.
    package func auditKeys(generating: Bool) throws(AuditKeyError) -> (keys: AuditSigningKeys, generated: Bool) {
        try AuditSigningKeys.load(
            configured: audit.signingKey, previous: audit.previousSigningKey, keyFile: auditKeyFile,
            keyName: audit.origin, generating: generating)
    }

    package init(
        host: String = "127.0.0.1", port: Int = 8080, publicBaseURL: String? = nil, store: StoreLocation,
        processor: OpenDSRClientConfiguration, callbacks: CallbackConfiguration = CallbackConfiguration(),
        dispatcher: DispatcherConfiguration = DispatcherConfiguration(),
        results: ResultsWorkerConfiguration = ResultsWorkerConfiguration(),
        reconciliation: ReconciliationConfiguration = ReconciliationConfiguration(), events: EventsConfiguration? = nil,
        deadlines: DeadlinePolicy = DeadlinePolicy(),
        apiKeys: [APIKey]
    ) {
        self.host = host
        self.port = port
        self.publicBaseURL = publicBaseURL
        self.store = store
        self.processor = processor
        self.callbacks = callbacks
        self.dispatcher = dispatcher
        self.results = results
        self.reconciliation = reconciliation
        self.events = events
        self.deadlines = deadlines
        self.apiKeys = apiKeys
    }
}

/// The mParticle Events API (docs/upstream-apis.md, "Events API"), used for `POST /events` and the erasure
/// attributes.
package struct EventsConfiguration: Sendable {
    /// Base URL and Input credentials.
    package var client: EventsClientConfiguration
    /// The `environment` of the erasure attributes batch.
    package var environment: EventBatch.Environment

    package init(client: EventsClientConfiguration, environment: EventBatch.Environment = .production) {
        self.client = client
        self.environment = environment
    }
}

/// How processor callbacks are authenticated.
package struct CallbackConfiguration: Sendable {
    /// Processor domains accepted in `X-OpenDSR-Processor-Domain`.
    package var allowedDomains: Set<String>
    /// Trust roots for the processor certificate chain.
    package var trustRoots: TrustRoots
    /// How many refused callbacks the store keeps (the newest) for `dsr-gateway callback refused`; 0 keeps none.
    package var refusedKept: Int

    package init(
        allowedDomains: Set<String> = [OpenDSRHeaders.mParticleDomain], trustRoots: TrustRoots = .system,
        refusedKept: Int = 100
    ) {
        self.allowedDomains = allowedDomains
        self.trustRoots = trustRoots
        self.refusedKept = refusedKept
    }

    /// Where trusted root certificates come from.
    package enum TrustRoots: Sendable, Equatable {
        /// The system bundle (Debian's ca-certificates).
        case system
        /// A PEM file.
        case file(String)
        /// PEM text held in memory (dev mode: the simulator's root).
        case pem(String)
    }
}

/// The operations guide's metrics as CloudWatch EMF lines.
package struct CloudWatchEMFConfiguration: Sendable {
    /// The `Environment` dimension.
    package var environment: String
    /// Seconds between reports.
    package var interval: TimeInterval

    package init(environment: String = "PROD", interval: TimeInterval = 60) {
        self.environment = environment
        self.interval = interval
    }
}

/// Alerting.
package struct AlertsConfiguration: Sendable {
    /// The rules: the defaults, or those of `alerts.rules_file` (refused at start-up with the line and the reason).
    package var rules: [AlertRule]
    /// Seconds between evaluations.
    package var evaluationInterval: TimeInterval
    /// Seconds between reminders while an alert keeps firing.
    package var repeatInterval: TimeInterval
    /// PagerDuty routing keys and Slack webhooks.
    package var destinations: AlertDestinations
    /// The name notifications report as and the first part of every dedup key: the same on every instance,
    /// different per deployment sharing a PagerDuty service.
    package var source: String
    /// Prefix that turns a rule's runbook path into a link (e.g. the repository's web URL); unset, notifications
    /// carry the path.
    package var runbookBaseURL: String?
    /// Attempts per notification before it is given up.
    package var maxAttempts: Int

    package init(
        rules: [AlertRule]? = nil, evaluationInterval: TimeInterval = 30, repeatInterval: TimeInterval = 4 * 3600,
        destinations: AlertDestinations = AlertDestinations(), source: String = "dsr-gateway",
        runbookBaseURL: String? = nil, maxAttempts: Int = 12
    ) {
        self.rules = rules ?? DefaultAlertRules.rules
        self.evaluationInterval = evaluationInterval
        self.repeatInterval = repeatInterval
        self.destinations = destinations
        self.source = source
        self.runbookBaseURL = runbookBaseURL
        self.maxAttempts = maxAttempts
    }
}

extension GatewayConfiguration {
    /// What `GET /health` re-checks of this configuration while the gateway runs.
    var runtimeCheck: RuntimeConfigurationCheck {
        var trustRootsFile: String?
        if case .file(let path) = callbacks.trustRoots { trustRootsFile = path }
        var databaseFile: String?
        if case .sqlite(let path) = store { databaseFile = path }
        return RuntimeConfigurationCheck(
            trustRootsFile: trustRootsFile, resultsDirectory: resultsObjectStore == nil ? results.directory : nil,
            databaseFile: databaseFile, publicBaseURLConfigured: publicBaseURL != nil)
    }
}
