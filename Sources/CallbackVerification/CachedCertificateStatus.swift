import Foundation

/// One processor domain's cached certificate as health checks see it.
package struct CachedCertificateStatus: Sendable, Equatable {
    package let domain: String
    /// The certificate in use, if a fetch has ever succeeded.
    package let certificate: ValidatedCertificate?
    package let lastFetch: Date?
    /// The most recent fetch or validation failure, cleared by the next success.
    package let lastFailure: CallbackVerificationError?
    /// Seconds until `certificate.expiresAt` (negative once expired); nil without a certificate.
    package let secondsRemaining: TimeInterval?

    init(
        domain: String,
        certificate: ValidatedCertificate?,
        lastFetch: Date?,
        lastFailure: CallbackVerificationError?,
        at now: Date
    ) {
        self.domain = domain
        self.certificate = certificate
        self.lastFetch = lastFetch
        self.lastFailure = lastFailure
        self.secondsRemaining = certificate.map { $0.expiresAt.timeIntervalSince(now) }
    }

    /// Whole days until expiry, rounded down (negative once expired).
    package var daysRemaining: Int? {
        secondsRemaining.map(ValidatedCertificate.wholeDays)
    }
}
