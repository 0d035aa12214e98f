/// Header names and constants of the OpenDSR/mParticle wire protocol.
package enum OpenDSRHeaders {
    package static let processorDomain = "X-OpenDSR-Processor-Domain"
    package static let signature = "X-OpenDSR-Signature"
    package static let rateLimitExceeded = "X-mp-rate-limit-exceeded"
    package static let rateLimitPercentageUsed = "X-mp-rate-limit-percentage-used"
    /// mParticle's processor domain, the default allowlist entry and certificate name.
    package static let mParticleDomain = "opendsr.mparticle.com"
}
