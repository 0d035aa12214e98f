import AuditLog
import AsyncHTTPClient
import CallbackVerification
import DSRCore
import Foundation
import Logging
import OpenDSR
import Operations
import Persistence
import RequestUseCases
import X509

/// The gateway's parts, each built once from the configuration around an open store and the one shared HTTP client:
/// the router (``buildRouter(_:)``) and the background services of ``buildApplication(configuration:clock:logger:onListening:)``
/// are both made from this value, and so is the router the tests drive in-process.
package struct GatewayComponents: Sendable {
    package let configuration: GatewayConfiguration
    package let clock: any WallClock
    package let store: any GatewayStore
    package let httpClient: HTTPClient
    package let processor: OpenDSRClient
    /// Nil unless the Events API is configured.
    package let events: EventsClient?
    package let certificates: ProcessorCertificateCache
    package let publicBaseURL: PublicBaseURL
    package let sampler: MetricsSampler
    package let alerts: AlertMonitor
    /// The keys that sign audit checkpoints and evidence bundles' manifests.
    package let auditKeys: AuditSigningKeys
    /// The dashboard's history of this instance's scrapes.
    package let trends = MetricsTrends()

    /// `fetchChainPEM` replaces the processor's discovery as the source of its certificate chain (tests mint chains).
    package init(
        configuration: GatewayConfiguration, clock: any WallClock, store: any GatewayStore, metrics: GatewayMetrics,
        httpClient: HTTPClient, trustRoots: [Certificate], auditKeys: AuditSigningKeys, logger: Logger,
        fetchChainPEM: (@Sendable (_ domain: String) async throws -> String)? = nil
    ) async throws {
        self.configuration = configuration
        self.auditKeys = auditKeys
        self.clock = clock
        self.store = store
        self.httpClient = httpClient
        let processor = OpenDSRClient(
            httpClient: httpClient, configuration: configuration.processor,
            pacer: ProcessorPacer(
                clock: clock, ledger: store, limits: configuration.processor.limits,
                failureThreshold: configuration.processor.circuitFailureThreshold,
                openFor: configuration.processor.circuitOpenSeconds, logger: logger),
            observer: { metrics.processorCall(operation: $0, outcome: $1, duration: $2) })
        self.processor = processor
        events = configuration.events.map {
            EventsClient(httpClient: httpClient, configuration: $0.client, clock: clock)
        }
        certificates = ProcessorCertificateCache(
            fetchChainPEM: fetchChainPEM ?? { _ in try await processor.processorCertificateChain(logger: logger) },
            trustRoots: trustRoots, clock: clock)
        publicBaseURL = PublicBaseURL(configuration.publicBaseURL)
        sampler = MetricsSampler(
            metrics: metrics, store: store, pacer: processor.pacer, certificates: certificates, clock: clock)
        alerts = AlertMonitor(
            rules: configuration.alerts.rules, stored: try await store.alertStates(), start: clock.now,
            repeatInterval: configuration.alerts.repeatInterval)
    }
}
