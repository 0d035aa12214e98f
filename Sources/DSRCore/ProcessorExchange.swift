import Foundation

/// What the processor said about a request, kept exactly as it arrived so an auditor can check it later without the
/// gateway: today a callback (its body byte for byte, its signature, the processor domain it named, and the
/// certificate chain it was verified with). Kept only with the change it caused, in the same transaction, and the
/// audit entries of that change carry its digest, so the Merkle tree vouches for it.
package struct ProcessorExchange: Sendable, Equatable {
    package enum Kind: String, Sendable, Codable {
        case callback
    }

    package var kind: Kind
    /// When it arrived (and, for a callback, was verified).
    package var at: Date
    /// The body exactly as received.
    package var received: [UInt8]
    /// A callback's `X-MP-Signature` header as received (base64).
    package var signature: String?
    /// The processor domain a callback named (`X-MP-Processor-Domain`), as the allow-list matched it.
    package var domain: String?
    /// The certificate chain a callback was verified with, PEM, leaf first, ending at the trust root.
    package var chainPEM: String?

    package init(
        kind: Kind, at: Date, received: [UInt8], signature: String? = nil, domain: String? = nil,
        chainPEM: String? = nil
    ) {
        self.kind = kind
        self.at = at
        self.received = received
        self.signature = signature
        self.domain = domain
        self.chainPEM = chainPEM
    }
}
