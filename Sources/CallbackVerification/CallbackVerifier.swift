import Foundation

/// Authenticates a processor callback from its two OpenDSR headers and raw body, before anything parses the body.
///
/// Steps, in the processor's documented order: the `X-OpenDSR-Processor-Domain` is allowlisted; the
/// `X-OpenDSR-Signature` is one line of base64; the domain's certificate is validated (cached); the signature is
/// RSASSA-PKCS1-v1_5 SHA-256 over the exact body bytes. A signature that fails is retried once against a re-fetched
/// certificate, in case the processor rotated its key.
package struct CallbackVerifier: Sendable {
    /// Longer than any base64 RSA signature we accept (RSA-8192 is 1,368 characters); bounds the decode work.
    private static let maximumSignatureLength = 2048

    private let allowedDomains: Set<String>
    private let cache: ProcessorCertificateCache

    package init(allowedDomains: Set<String>, cache: ProcessorCertificateCache) {
        self.allowedDomains = Set(allowedDomains.map { $0.lowercased() })
        self.cache = cache
    }

    /// Returns the certificate the callback verified under (its domain lowercased, its validated chain: what the
    /// callback's evidence keeps), or throws why the callback must be refused.
    package func verify(
        domainHeader: String?,
        signatureHeader: String?,
        body: [UInt8]
    ) async throws(CallbackVerificationError) -> ValidatedCertificate {
        let domain = try allowlistedDomain(domainHeader)
        let signature = try decodedSignature(signatureHeader)
        let certificate = try await cache.certificate(for: domain)
        if certificate.isValidSignature(signature, for: body) {
            return certificate
        }
        if let refreshed = await cache.refreshAfterSignatureFailure(for: domain, rejected: certificate),
            refreshed.isValidSignature(signature, for: body)
        {
            return refreshed
        }
        throw CallbackVerificationError(
            .signatureMismatch,
            "signature does not match the body under the certificate \(certificate.leafFingerprint) for '\(domain)'"
        )
    }

    private func allowlistedDomain(_ header: String?) throws(CallbackVerificationError) -> String {
        guard let header, !header.isEmpty else {
            throw CallbackVerificationError(.missingDomainHeader, "no X-OpenDSR-Processor-Domain header")
        }
        let domain = Self.trimmed(header).lowercased()
        guard allowedDomains.contains(domain) else {
            throw CallbackVerificationError(
                .domainNotAllowed,
                "X-OpenDSR-Processor-Domain \(Self.loggable(domain)) is not an allowed processor domain"
            )
        }
        return domain
    }

    /// A header's value without the ASCII spaces, tabs and line breaks around it. Foundation's
    /// `trimmingCharacters(in:)` went through `NSString` and UTF-16: 8 % of a callback's CPU in `perf`.
    static func trimmed(_ value: String) -> String {
        let blank: (UInt8) -> Bool = { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        guard let first = value.utf8.firstIndex(where: { !blank($0) }),
            let last = value.utf8.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(value[first...last])
    }

    /// The header is attacker-controlled: quote it only when it looks like a host name.
    private static func loggable(_ domain: String) -> String {
        let hostCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard domain.count <= 253, domain.allSatisfy(hostCharacters.contains) else {
            return "(\(domain.utf8.count) bytes, not a host name)"
        }
        return "'\(domain)'"
    }

    private func decodedSignature(_ header: String?) throws(CallbackVerificationError) -> [UInt8] {
        let value = header.map(Self.trimmed) ?? ""
        guard !value.isEmpty else {
            throw CallbackVerificationError(.missingSignature, "no X-OpenDSR-Signature header")
        }
        guard value.utf8.count <= Self.maximumSignatureLength else {
            throw CallbackVerificationError(
                .malformedSignature,
                "X-OpenDSR-Signature is \(value.utf8.count) bytes long"
            )
        }
        guard let bytes = Data(base64Encoded: value), !bytes.isEmpty else {
            throw CallbackVerificationError(.malformedSignature, "X-OpenDSR-Signature is not one line of base64")
        }
        return Array(bytes)
    }
}
