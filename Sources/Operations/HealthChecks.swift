import CallbackVerification
import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence
import Synchronization

/// Runs the checks behind `GET /health` in parallel, each bounded by `timeout`.
package struct HealthChecks: Sendable {
    let store: any RequestStore
    let client: OpenDSRClient
    let certificates: ProcessorCertificateCache
    let processorDomains: Set<String>
    let configuration: RuntimeConfigurationCheck
    let clock: any WallClock
    let timeout: Duration
    /// The last discovery call's result, reused for `discoveryMaxAge` seconds: `/health` needs no key, and must not
    /// let callers spend the workspace's rate limit.
    private let discovery = RecentCheck()
    let discoveryMaxAge: TimeInterval = 30
    /// The oldest queued request may wait this long before the dispatcher counts as not moving.
    let queueAgeWarning: TimeInterval
    /// A certificate with fewer days left is a warning.
    let certificateWarningDays: Int

    package init(
        store: any RequestStore, client: OpenDSRClient, certificates: ProcessorCertificateCache,
        processorDomains: Set<String>, configuration: RuntimeConfigurationCheck, clock: any WallClock,
        timeout: Duration = .seconds(2), queueAgeWarning: TimeInterval = 300, certificateWarningDays: Int = 30
    ) {
        self.store = store
        self.client = client
        self.certificates = certificates
        self.processorDomains = processorDomains
        self.configuration = configuration
        self.clock = clock
        self.timeout = timeout
        self.queueAgeWarning = queueAgeWarning
        self.certificateWarningDays = certificateWarningDays
    }

    package func run(logger: Logger) async -> HealthReport {
        async let store = bounded("store") { try await storeCheck() }
        async let processor = bounded("processor") { await processorCheck(logger: logger) }
        async let certificate = bounded("certificate") { await certificateCheck() }
        async let dispatcher = bounded("dispatcher") { try await dispatcherCheck() }
        async let configuration = bounded("configuration") { [configuration] in configuration.run() }
        let checks = await [
            "store": store, "processor": processor, "certificate": certificate, "dispatcher": dispatcher,
            "configuration": configuration,
        ]
        return HealthReport(checks: checks, at: clock.now)
    }

    /// Whether the gateway can accept work: the store commits a write and reads it back within `timeout`.
    package func ready() async -> Bool {
        await bounded("store") { try await storeCheck() }.status == .pass
    }

    /// Runs `check`, failing it when it throws or takes longer than `timeout`.
    private func bounded(_ name: String, _ check: @escaping @Sendable () async throws -> HealthCheck) async
        -> HealthCheck
    {
        do {
            return try await withTimeLimit(timeout, check)
        } catch is TimeLimitExceeded {
            return HealthCheck(.fail, "\(name) check timed out after \(timeout)")
        } catch {
            return HealthCheck(.fail, "\(name) check failed: \(type(of: error))")
        }
    }

    private func storeCheck() async throws -> HealthCheck {
        let started = ContinuousClock.now
        let now = clock.now
        guard try await store.probe(at: now) == now else {
            return HealthCheck(.fail, "the probe written was not read back")
        }
        var check = HealthCheck(.pass, "read and write committed")
        check.latencyMs = Int((ContinuousClock.now - started).milliseconds)
        return check
    }

    private func processorCheck(logger: Logger) async -> HealthCheck {
        let pacer = client.pacer
        let circuit = pacer.circuit
        let pause = pacer.remainingPause
        var check = await discovery.check(at: clock.now, maxAge: discoveryMaxAge) {
            let started = ContinuousClock.now
            let outcome = await client.discovery(logger: logger)
            var check: HealthCheck
            switch outcome {
            case .success: check = HealthCheck(.pass, "discovery answered")
            case .held, .rateLimited: check = HealthCheck(.warn, "\(outcome.summary)")
            default: check = HealthCheck(.fail, "discovery failed: \(outcome.summary)")
            }
            check.latencyMs = Int((ContinuousClock.now - started).milliseconds)
            return check
        }
        check.circuit = circuit.rawValue
        check.usagePercent = pacer.reportedUsage
        check.pauseSeconds = pause.map(\.wholeSecondsForDisplay)
        guard check.status == .pass else { return check }
        if circuit != .closed {
            check.status = .warn
            check.detail = "circuit \(circuit.rawValue): processor calls are held, submissions are queued"
        } else if let pause {
            check.status = .warn
            check.detail = "paused after a 429 for \(pause.wholeSecondsForDisplay) s more"
        } else if let usage = pacer.reportedUsage, usage >= 80 {
            check.status = .warn
            check.detail = "the processor reports \(usage) % of its rate limit used; calls are slowed down"
        }
        return check
    }

    /// The worst of the allowed domains' certificates: invalid before unavailable or near expiry before the fewest
    /// days left.
    private func certificateCheck() async -> HealthCheck {
        var checks: [HealthCheck] = []
        for domain in processorDomains.sorted() {
            do {
                let certificate = try await certificates.certificate(for: domain)
                let days = certificate.daysRemaining(at: clock.now)
                var check = HealthCheck(
                    days < certificateWarningDays ? .warn : .pass, "\(domain): valid, \(days) days left")
                check.daysLeft = days
                checks.append(check)
            } catch  where error.code == .certificateUnavailable {
                // Not fetched (processor unreachable or calls paused): the processor check says why.
                checks.append(HealthCheck(.warn, "\(domain): not fetched yet (\(error.reason))"))
            } catch {
                checks.append(HealthCheck(.fail, "\(domain): \(error.code.rawValue)"))
            }
        }
        let worst = checks.max { (Self.rank($0), -($0.daysLeft ?? .max)) < (Self.rank($1), -($1.daysLeft ?? .max)) }
        return worst ?? HealthCheck(.fail, "no processor domain is allowed (callbacks.allowed_domains)")
    }

    private static func rank(_ check: HealthCheck) -> Int {
        switch check.status {
        case .pass: 0
        case .warn: 1
        case .fail: 2
        }
    }

    private func dispatcherCheck() async throws -> HealthCheck {
        let queue = try await store.queueSummary()
        let age = queue.oldestQueuedAt.map { max(0, clock.now.timeIntervalSince($0)) } ?? 0
        var check =
            age > queueAgeWarning
            ? HealthCheck(.warn, "the oldest queued request has waited \(Int(age)) s: the queue is not moving")
            : HealthCheck(.pass, queue.depth == 0 ? "queue empty" : "queue moving")
        check.queueDepth = queue.depth
        check.oldestQueuedSeconds = Int(age)
        return check
    }
}

/// One check and when it started, reused while it is fresh; concurrent callers share the one in flight, so a burst
/// of `/health` requests makes one call, not one each.
final class RecentCheck: Sendable {
    private let last = Mutex<(at: Date, check: Task<HealthCheck, Never>)?>(nil)

    func check(
        at now: Date, maxAge: TimeInterval, _ run: @escaping @Sendable () async -> HealthCheck
    ) async -> HealthCheck {
        let check = last.withLock { last in
            if let last, now.timeIntervalSince(last.at) < maxAge, now >= last.at { return last.check }
            // Owned by the cache and awaited by every caller until the next one replaces it.
            let check = Task { await run() }
            last = (now, check)
            return check
        }
        return await check.value
    }
}
