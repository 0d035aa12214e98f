import AsyncHTTPClient
import CallbackVerification
import DSRCore
import Foundation
import GatewayHTTP
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import OpenDSR
import Operations
import Persistence
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
    let resultsStore = try FileResultsStore(directory: configuration.results.directory)
    let metrics = GatewayMetrics()
    let store = try await SQLiteRequestStore.open(
        path: configuration.sqlitePath, logger: logger, observer: { metrics.record($0, entries: $1) })
    let alerts: AlertMonitor
    do {
        alerts = AlertMonitor(
            rules: configuration.alerts.rules, stored: try await store.alertStates(), start: clock.now,
            repeatInterval: configuration.alerts.repeatInterval)
    } catch {
        try? await store.close()
        throw error
    }
    // No redirects: results are only fetched from the processor's own base URL, and a 3xx must not move that.
    let httpClient = HTTPClient(
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
    let client = OpenDSRClient(
        httpClient: httpClient, configuration: configuration.processor,
        pacer: ProcessorPacer(
            clock: clock, requestsPerMinute: configuration.processor.requestsPerMinute,
            submissionsPerDay: configuration.processor.submissionsPerDay,
            failureThreshold: configuration.processor.circuitFailureThreshold,
            openFor: configuration.processor.circuitOpenSeconds),
        observer: { metrics.processorCall(operation: $0, outcome: $1, duration: $2) })
    let publicBaseURL = PublicBaseURL(configuration.publicBaseURL)
    let certificates = ProcessorCertificateCache(
        fetchChainPEM: { _ in try await client.processorCertificateChain(logger: logger) }, trustRoots: trustRoots,
        clock: clock)
    let events = configuration.events.map {
        EventsClient(httpClient: httpClient, configuration: $0.client, clock: clock)
    }
    let sampler = MetricsSampler(
        metrics: metrics, store: store, pacer: client.pacer, certificates: certificates, clock: clock)
    let router = buildRouter(
        store: store, client: client, events: events, certificates: certificates, publicBaseURL: publicBaseURL,
        configuration: configuration, sampler: sampler, alerts: alerts, clock: clock)
    let resultsWorker = ResultsWorker(
        store: store, results: resultsStore, client: client,
        configuration: configuration.results, clock: clock, logger: logger)
    let dispatcher = Dispatcher(
        store: store, client: client, configuration: configuration.dispatcher, publicBaseURL: publicBaseURL,
        clock: clock, logger: logger)
    var services: [any Service] = [
        ShutdownAction { try await httpClient.shutdown() },
        ShutdownAction { try await store.close() },
        dispatcher,
        resultsWorker,
        ReconciliationPoller(
            store: store, client: client, configuration: configuration.reconciliation, clock: clock, logger: logger),
    ]
    if let events, let settings = configuration.events {
        services.append(
            ErasureAttributesSender(
                store: store, client: events, environment: settings.environment, retry: configuration.dispatcher.retry,
                pollInterval: configuration.dispatcher.pollInterval, clock: clock, logger: logger))
    }
    let notifier = AlertNotifier(
        store: store, sender: AlertSender(httpClient: httpClient), destinations: configuration.alerts.destinations,
        source: configuration.alerts.source, runbookBaseURL: configuration.alerts.runbookBaseURL,
        maxAttempts: configuration.alerts.maxAttempts, metrics: metrics, clock: clock, logger: logger)
    services += [
        AlertEvaluationService(
            evaluation: AlertEvaluation(
                monitor: alerts, store: store, notifier: notifier, interval: configuration.alerts.evaluationInterval,
                logger: logger),
            sampler: sampler, clock: clock, logger: logger),
        AlertNotificationService(
            notifier: notifier, routes: configuration.alerts.destinations.configuredRoutes, logger: logger),
    ]
    if let emf = configuration.cloudWatchEMF {
        services.append(
            CloudWatchEMFReporter(
                sampler: sampler, emf: CloudWatchEMF(environment: emf.environment), interval: emf.interval,
                clock: clock, logger: logger))
    }
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "dsr-gateway"),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            publicBaseURL.learn("http://\(configuration.host):\(port)")
            await onListening(port)
        },
        logger: logger)
}

/// The routes: public callback and liveness, everything else behind API keys.
package func buildRouter(
    store: any RequestStore, client: OpenDSRClient, events: EventsClient?, certificates: ProcessorCertificateCache,
    publicBaseURL: PublicBaseURL, configuration: GatewayConfiguration, sampler: MetricsSampler, alerts: AlertMonitor,
    clock: any WallClock
) -> Router<GatewayRequestContext> {
    let metrics = sampler.metrics
    let router = Router(context: GatewayRequestContext.self)
    router.add(middleware: RequestObservationMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware())
    let callbacks = CallbackController(
        verifier: CallbackVerifier(allowedDomains: configuration.callbacks.allowedDomains, cache: certificates),
        recorder: ProcessorReportRecorder(store: store, clock: clock), publicBaseURL: publicBaseURL, metrics: metrics)
    router.addRoutes(callbacks.endpoints, atPath: "/data-subject-requests")
    let health = HealthChecks(
        store: store, client: client, certificates: certificates,
        processorDomains: configuration.callbacks.allowedDomains,
        publicBaseURLConfigured: configuration.publicBaseURL != nil, clock: clock)
    router.addRoutes(HealthController(store: store, checks: health).endpoints, atPath: "/health")
    router.addRoutes(MetricsController(sampler: sampler).endpoints, atPath: "/metrics")
    let intake = RequestIntake(
        store: store, deadlines: configuration.deadlines, clock: clock, sendsErasureAttributes: events != nil)
    let requests = DataSubjectRequestsController(
        intake: intake, canceller: RequestCanceller(store: store, client: client, clock: clock), store: store)
    router.group()
        .add(middleware: APIKeyMiddleware(keys: configuration.apiKeys))
        .addRoutes(requests.endpoints, atPath: "/data-subject-requests")
        .addRoutes(BatonController(intake: intake, store: store, metrics: metrics).endpoints, atPath: "/baton")
        .addRoutes(EventsController(client: events).endpoints, atPath: "/events")
        .addRoutes(
            DashboardController(sampler: sampler, health: health, alerts: alerts).endpoints, atPath: "/dashboard"
        )
        .addRoutes(AlertsController(monitor: alerts).endpoints, atPath: "/alerts")
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
