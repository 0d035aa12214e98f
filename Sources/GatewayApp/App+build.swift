import AsyncHTTPClient
import AuditLog
import CallbackVerification
import DSRCore
import Evidence
import Foundation
import GatewayHTTP
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import OpenDSR
import Operations
import Persistence
import S3
import ServiceLifecycle
import RequestUseCases
import Workers

/// The gateway application type `buildApplication` returns.
package typealias GatewayApplication = Application<RouterResponder<GatewayRequestContext>>

/// Builds the real gateway: opens (and migrates) the store, creates the shared HTTP client, wires controllers and
/// workers. Long-running parts run in the application's service group in dependency order and stop in reverse:
/// server, workers, store, HTTP client. `onListening` is called with the bound port once the server listens.
package func buildApplication(
    configuration: GatewayConfiguration, clock: any WallClock, logger: Logger,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> GatewayApplication {
    // What can fail comes first, so a failed start leaves no open store or HTTP client behind.
    let trustRoots = try TrustRootsLoader.load(configuration.callbacks.trustRoots)
    let (auditKeys, generatedKey) = try configuration.auditKeys(generating: true)
    if generatedKey {
        logger.warning(
            """
            generated the audit signing key; keep it out of the database's backups and keep its public key \
            (dsr-gateway audit public-key) where an auditor can find it
            """,
            metadata: ["audit.key_file": "\(configuration.auditKeyFile)"])
    }
    let (subjectKeys, generatedSubjectKey) = try configuration.subjectKeys(generating: true)
    if generatedSubjectKey {
        logger.warning(
            """
            generated the key that seals subject ids and emails; keep it out of the database's backups, and keep a \
            copy where only the service's operators can reach it: without it the subjects cannot be read
            """,
            metadata: ["store.key_file": "\(configuration.subjectKeyFile ?? configuration.store.subjectKeyFile)"])
    }
    let metrics = GatewayMetrics()
    let store: any GatewayStore
    do {
        store = try await configuration.store.open(
            logger: logger, observer: { metrics.record($0, entries: $1) }, subjectKeys: subjectKeys)
    } catch let error as StoreError where error.code == .subjectKeyMissing && generatedSubjectKey {
        // The key file was lost, not never made: leave room for the right one to be put back.
        SecretKeyFile.discard(configuration.subjectKeyFile ?? configuration.store.subjectKeyFile)
        throw error
    }
    // No redirects: results are only fetched from the processor's own base URL, and a 3xx must not move that.
    let httpClient = HTTPClient(
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
    let components: GatewayComponents
    let resultsStore: any ResultsStore
    do {
        resultsStore =
            try configuration.resultsObjectStore.map {
                try S3ResultsStore(
                    client: S3Client(configuration: $0, httpClient: httpClient, logger: logger, now: { clock.now }))
            } ?? FileResultsStore(directory: configuration.results.directory, keys: subjectKeys)
        components = try await GatewayComponents(
            configuration: configuration, clock: clock, store: store, metrics: metrics, httpClient: httpClient,
            trustRoots: trustRoots, auditKeys: auditKeys, logger: logger)
    } catch {
        try? await httpClient.shutdown()
        try? await store.close()
        throw error
    }
    let publicBaseURL = components.publicBaseURL
    let inbound = configuration.inbound
    return Application(
        router: buildRouter(components),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [CloseAfterResponseInstaller()],
                idleTimeout: .milliseconds(Int64(inbound.idleTimeout * 1000)),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: inbound.maxHeaderBytes, maxHeaderListSize: inbound.maxHeaderBytes,
                    maxHeaderFieldCount: 100))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "dsr-gateway",
            availableConnectionsDelegate: MaximumAvailableConnections(inbound.maxConnections)),
        services: [
            ShutdownAction { try await httpClient.shutdown() },
            ShutdownAction { try await store.close() },
        ] + backgroundServices(components, results: resultsStore, logger: logger),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            publicBaseURL.learn("http://\(configuration.host):\(port)")
            await onListening(port)
        },
        logger: logger)
}

/// The loops that run beside the server: delivery, results, reconciliation, erasure attributes, alert evaluation and
/// delivery, audit checkpoints, and CloudWatch EMF when configured.
private func backgroundServices(
    _ components: GatewayComponents, results: any ResultsStore, logger: Logger
) -> [any Service] {
    let configuration = components.configuration
    let (store, client, clock) = (components.store, components.processor, components.clock)
    var services: [any Service] = [
        // First, so it stops last: its checkpoint at shutdown seals what the other workers wrote.
        AuditCheckpointer(
            store: store, keys: components.auditKeys, configuration: configuration.audit, clock: clock,
            httpClient: components.httpClient, logger: logger),
        Dispatcher(
            store: store, client: client, configuration: configuration.dispatcher,
            publicBaseURL: components.publicBaseURL, clock: clock, logger: logger),
        ResultsWorker(
            store: store, results: results, client: client, configuration: configuration.results, clock: clock,
            logger: logger),
        ReconciliationPoller(
            store: store, client: client, configuration: configuration.reconciliation, clock: clock, logger: logger),
        SubjectRetention(
            store: store, retention: Double(configuration.subjectRetentionDays) * 86_400, clock: clock, logger: logger),
    ]
    if let events = components.events, let settings = configuration.events {
        services.append(
            ErasureAttributesSender(
                store: store, client: events, environment: settings.environment, retry: configuration.dispatcher.retry,
                pollInterval: configuration.dispatcher.pollInterval, clock: clock, logger: logger))
    }
    let notifier = AlertNotifier(
        store: store, sender: AlertSender(httpClient: components.httpClient),
        destinations: configuration.alerts.destinations, source: configuration.alerts.source,
        runbookBaseURL: configuration.alerts.runbookBaseURL, maxAttempts: configuration.alerts.maxAttempts,
        metrics: components.sampler.metrics, clock: clock, logger: logger)
    services += [
        AlertEvaluationService(
            evaluation: AlertEvaluation(
                monitor: components.alerts, store: store, notifier: notifier,
                interval: configuration.alerts.evaluationInterval, logger: logger),
            sampler: components.sampler, trends: components.trends, clock: clock, logger: logger),
        AlertNotificationService(
            notifier: notifier, routes: configuration.alerts.destinations.configuredRoutes, clock: clock,
            logger: logger),
    ]
    if let emf = configuration.cloudWatchEMF {
        services.append(
            CloudWatchEMFReporter(
                sampler: components.sampler, emf: CloudWatchEMF(environment: emf.environment), interval: emf.interval,
                clock: clock, logger: logger))
    }
    return services
}

/// The routes: public callback, health and metrics; everything else behind API keys.
package func buildRouter(_ components: GatewayComponents) -> Router<GatewayRequestContext> {
    let configuration = components.configuration
    let (store, client, clock) = (components.store, components.processor, components.clock)
    let metrics = components.sampler.metrics
    let router = Router(context: GatewayRequestContext.self)
    router.add(
        middleware: RequestObservationMiddleware(metrics: metrics, trustedProxies: configuration.inbound.trustedProxies)
    )
    let routes = RouteTable()
    router.add(middleware: ErrorMiddleware(routes: routes))
    let callbacks = CallbackController(
        verifier: CallbackVerifier(
            allowedDomains: configuration.callbacks.allowedDomains, cache: components.certificates),
        recorder: ProcessorReportRecorder(store: store, clock: clock), publicBaseURL: components.publicBaseURL,
        metrics: metrics,
        refusedCallbacks: RefusedCallbackKeeper(
            store: store, keeping: configuration.callbacks.refusedKept, clock: clock),
        callbacksPerSecondPerAddress: configuration.inbound.callbacksPerSecondPerAddress)
    router.addRoutes(callbacks.endpoints, atPath: "/data-subject-requests")
    let health = HealthChecks(
        store: store, client: client, certificates: components.certificates,
        processorDomains: configuration.callbacks.allowedDomains,
        configuration: configuration.runtimeCheck, clock: clock,
        timeout: .milliseconds(Int64(configuration.healthCheckTimeout * 1000)))
    router.addRoutes(HealthController(checks: health).endpoints, atPath: "/health")
    router.addRoutes(MetricsController(sampler: components.sampler).endpoints, atPath: "/metrics")
    let intake = RequestIntake(
        store: store, deadlines: configuration.deadlines, clock: clock,
        sendsErasureAttributes: components.events != nil,
        requiresApproval: configuration.approvalRequired)
    let requests = DataSubjectRequestsController(
        intake: intake, canceller: RequestCanceller(store: store, client: client, clock: clock),
        resolver: RequestResolver(store: store, clock: clock),
        extender: RequestExtender(store: store, deadlines: configuration.deadlines, clock: clock),
        approver: RequestApprover(store: store, clock: clock, sendsErasureAttributes: components.events != nil),
        store: store)
    router.group()
        .add(
            middleware: APIKeyMiddleware(
                keys: configuration.apiKeys, requestsPerSecond: configuration.inbound.requestsPerSecondPerKey,
                metrics: metrics)
        )
        .addRoutes(requests.endpoints, atPath: "/data-subject-requests")
        .addRoutes(
            EvidenceController(builder: EvidenceBundleBuilder(store: store, signers: components.auditKeys.signers))
                .endpoints,
            atPath: "/data-subject-requests"
        )
        .addRoutes(BatonController(intake: intake, store: store, metrics: metrics).endpoints, atPath: "/baton")
        .addRoutes(EventsController(client: components.events).endpoints, atPath: "/events")
        .addRoutes(
            DashboardController(
                sampler: components.sampler, health: health, alerts: components.alerts, trends: components.trends
            ).endpoints,
            atPath: "/dashboard"
        )
        .addRoutes(AlertsController(monitor: components.alerts).endpoints, atPath: "/alerts")
    routes.fill(from: router)
    return router
}

/// A service that does nothing until graceful shutdown, then runs `action`: closes resources in reverse start order.
struct ShutdownAction: Service {
    let action: @Sendable () async throws -> Void

    init(_ action: @escaping @Sendable () async throws -> Void) {
        self.action = action
    }

    func run() async throws {
        try? await gracefulShutdown()
        try await action()
    }
}
