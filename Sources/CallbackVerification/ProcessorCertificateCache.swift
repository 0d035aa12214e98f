import DSRCore
import Foundation
import X509

/// Fetches, validates and caches each processor domain's certificate chain for its lifetime.
///
/// The processor is asked again when the cached certificate has expired (per the injected clock), or after a
/// signature failure (it may have rotated its key) at most once per `rotationRefetchInterval`. A chain that failed
/// validation is remembered for the same interval, a fetch that could not reach the processor for
/// `unavailableRetryInterval` (a brief outage must not refuse every callback for a minute), so callbacks claiming a
/// domain cannot make us hammer its certificate URL. Concurrent callers share one in-flight fetch.
package actor ProcessorCertificateCache {
    private typealias Fetch = Task<Result<ValidatedCertificate, CallbackVerificationError>, Never>

    private struct Entry {
        var current: ValidatedCertificate?
        var lastFetch: Date?
        var lastFailure: CallbackVerificationError?
        var inFlight: Fetch?
    }

    private let fetchChainPEM: @Sendable (_ domain: String) async throws -> String
    private let validator: ChainValidator
    private let clock: any WallClock
    private let rotationRefetchInterval: TimeInterval
    private let unavailableRetryInterval: TimeInterval
    private var entries: [String: Entry] = [:]

    package init(
        fetchChainPEM: @escaping @Sendable (_ domain: String) async throws -> String,
        trustRoots: [Certificate],
        clock: any WallClock,
        rotationRefetchInterval: TimeInterval = 60,
        unavailableRetryInterval: TimeInterval = 5
    ) {
        self.fetchChainPEM = fetchChainPEM
        self.validator = ChainValidator(trustRoots: trustRoots)
        self.clock = clock
        self.rotationRefetchInterval = rotationRefetchInterval
        self.unavailableRetryInterval = unavailableRetryInterval
    }

    /// The validated certificate for `domain`, fetched on first use and again once the cached one has expired.
    package func certificate(for domain: String) async throws(CallbackVerificationError) -> ValidatedCertificate {
        let key = domain.lowercased()
        let entry = entries[key] ?? Entry()
        let now = clock.now
        if let current = entry.current, now <= current.expiresAt {
            return current
        }
        if let inFlight = entry.inFlight {
            return try await inFlight.value.get()
        }
        if let failure = entry.lastFailure, tooSoon(entry, now: now) { throw failure }
        return try await fetch(key).get()
    }

    /// After a signature failure with `rejected` (default: the cached certificate), re-fetches once per interval
    /// and returns the newly validated certificate only if it differs; nil when there is nothing new to try.
    package func refreshAfterSignatureFailure(
        for domain: String,
        rejected: ValidatedCertificate? = nil
    ) async -> ValidatedCertificate? {
        let key = domain.lowercased()
        let entry = entries[key] ?? Entry()
        let stale = rejected ?? entry.current
        if let current = entry.current, current != stale {
            return current
        }
        let result: Result<ValidatedCertificate, CallbackVerificationError>
        if let inFlight = entry.inFlight {
            result = await inFlight.value
        } else if tooSoon(entry, now: clock.now) {
            return nil
        } else {
            result = await fetch(key)
        }
        guard case .success(let fresh) = result, fresh != stale else { return nil }
        return fresh
    }

    /// What health checks report: each cached certificate's expiry at the clock's current time, by domain.
    package func status() -> [CachedCertificateStatus] {
        let now = clock.now
        return entries.keys.sorted().map { domain in
            let entry = entries[domain]
            return CachedCertificateStatus(
                domain: domain,
                certificate: entry?.current,
                lastFetch: entry?.lastFetch,
                lastFailure: entry?.lastFailure,
                at: now
            )
        }
    }

    /// Whether the last fetch was too recent for another: after a fetch that could not reach the processor, a few
    /// seconds; otherwise (a chain fetched, valid or not) the rotation interval.
    private func tooSoon(_ entry: Entry, now: Date) -> Bool {
        guard let last = entry.lastFetch else { return false }
        let wait =
            entry.lastFailure?.code == .certificateUnavailable ? unavailableRetryInterval : rotationRefetchInterval
        return now.timeIntervalSince(last) < wait
    }

    /// Runs one fetch+validation for `key`, publishing it as in flight so concurrent callers await the same one.
    private func fetch(_ key: String) async -> Result<ValidatedCertificate, CallbackVerificationError> {
        let fetchChainPEM = fetchChainPEM
        let validator = validator
        let clock = clock
        // An unstructured task so that a cancelled first caller does not fail the others sharing this fetch.
        let task = Fetch {
            let pem: String
            do {
                pem = try await fetchChainPEM(key)
            } catch {
                return .failure(
                    CallbackVerificationError(.certificateUnavailable, "fetching the chain failed: \(error)")
                )
            }
            do throws(CallbackVerificationError) {
                return .success(try await validator.validate(chainPEM: pem, domain: key, at: clock.now))
            } catch {
                return .failure(error)
            }
        }
        entries[key, default: Entry()].inFlight = task
        entries[key, default: Entry()].lastFetch = clock.now
        let result = await task.value
        entries[key, default: Entry()].inFlight = nil
        switch result {
        case .success(let certificate):
            entries[key, default: Entry()].current = certificate
            entries[key, default: Entry()].lastFailure = nil
        case .failure(let error):
            entries[key, default: Entry()].lastFailure = error
        }
        return result
    }
}
