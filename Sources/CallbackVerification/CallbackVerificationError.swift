/// Why a processor callback (or the processor's certificate) was refused.
///
/// `reason` is for logs and operators: it names certificates, domains and dates but never holds body content or the
/// signature.
package struct CallbackVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The machine-readable refusal.
    package enum Code: String, Sendable, CaseIterable {
        case missingDomainHeader
        case domainNotAllowed
        case missingSignature
        case malformedSignature
        case certificateUnavailable
        case untrustedChain
        case nameMismatch
        case expired
        case notYetValid
        case invalidCertificate
        case signatureMismatch
    }

    package let code: Code
    package let reason: String

    package init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    package var description: String { "\(code.rawValue): \(reason)" }
}
