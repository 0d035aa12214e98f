import CallbackVerification
import CoreMetrics
import DSRCore
import Foundation
import OpenDSR
import Persistence

/// Sets the gauges that describe state rather than events (requests by state, the queue, deadlines, certificates,
/// the processor circuit and usage, the audit log's unsealed tail) from the store and the live components, right before each scrape.
package struct MetricsSampler: Sendable {
    package let metrics: GatewayMetrics
    let store: any RequestStore & AlertStateStore & AuditLogStore
    let pacer: ProcessorPacer
    let certificates: ProcessorCertificateCache
    package let clock: any WallClock
    let process = ProcessMetrics()
    /// Unfinished requests whose deadline is closer than this are "at risk" (7 days).
    let atRiskWithin: TimeInterval

    package init(
        metrics: GatewayMetrics, store: any RequestStore & AlertStateStore & AuditLogStore, pacer: ProcessorPacer,
        certificates: ProcessorCertificateCache,
        clock: any WallClock, atRiskWithin: TimeInterval = 7 * 86_400
    ) {
        self.metrics = metrics
        self.store = store
        self.pacer = pacer
        self.certificates = certificates
        self.clock = clock
        self.atRiskWithin = atRiskWithin
    }

    /// Samples everything, then renders the exposition.
    package func exposition() async throws -> String {
        let now = clock.now
        for (state, count) in try await store.countByState() {
            metrics.gauge(MetricsCatalogue.requestsByState, [state.rawValue]).record(count)
        }
        let queue = try await store.queueSummary()
        metrics.gauge(MetricsCatalogue.queueDepth).record(queue.depth)
        metrics.gauge(MetricsCatalogue.queueOldestAge).record(
            queue.oldestQueuedAt.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        metrics.gauge(MetricsCatalogue.auditUnsealedAge).record(try await unsealedAuditAge(at: now))
        let deadlines = try await store.deadlineCounts(at: now, atRiskWithin: atRiskWithin, imminentWithin: 3 * 86_400)
        metrics.gauge(MetricsCatalogue.deadlineAtRisk).record(deadlines.atRisk)
        metrics.gauge(MetricsCatalogue.deadlinePassed).record(deadlines.passed)
        metrics.gauge(MetricsCatalogue.deadlineImminent).record(deadlines.imminent)
        for status in await certificates.status() {
            guard let seconds = status.secondsRemaining else { continue }
            metrics.gauge(MetricsCatalogue.certificateExpiry, [status.domain]).record(seconds)
        }
        metrics.gauge(MetricsCatalogue.alertNotificationsPending).record(
            try await store.pendingAlertNotificationCount())
        metrics.gauge(MetricsCatalogue.circuitOpen).record(pacer.circuit == .closed ? 0 : 1)
        metrics.gauge(MetricsCatalogue.processorUsage).record(pacer.reportedUsage ?? 0)
        metrics.gauge(MetricsCatalogue.httpInFlight).record(metrics.requestsInFlight)
        process.record(into: metrics)
        return metrics.exposition()
    }

    /// How long the first entry after the latest signed checkpoint has waited: it grows while sealing is stopped
    /// (the log broken, the key missing, no instance running the checkpointer).
    private func unsealedAuditAge(at now: Date) async throws -> Double {
        let sealed = try await store.latestAuditCheckpoint()?.size ?? 0
        guard try await store.auditLogHead().size > sealed,
            let oldest = try await store.auditLogRows(from: sealed, to: sealed + 1).first
        else { return 0 }
        return max(0, now.timeIntervalSince(oldest.entry.at))
    }
}
