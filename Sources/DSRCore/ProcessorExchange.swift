import Crypto
import Foundation

/// What passed between the gateway and the processor about a request, kept exactly so an auditor can check it later
/// without the gateway: a callback (its body byte for byte, its signature, the processor domain it named, and the
/// certificate chain it was verified with), or one of the gateway's calls (the body it sent, the answer's status and
/// body). Kept only with the change it caused, in the same transaction, and the audit entries of that change carry its
/// digest, so the Merkle tree vouches for it.
package struct ProcessorExchange: Sendable, Equatable {
    package enum Kind: String, Sendable, Codable {
        case callback
        /// `POST /requests` and its answer.
        case submission
        /// `GET /requests/{id}` and its answer.
        case status
        /// `DELETE /requests/{id}` and its answer.
        case cancellation
    }

    package var kind: Kind
    /// When it arrived (and, for a callback, was verified).
    package var at: Date
    /// The body exactly as received: the callback, or the processor's answer to a call. An answer may name the
    /// subject (a submission's echoes the whole body sent), so for a call it is sealed at rest and erased (nil) with the
    /// subject; the digest covers its SHA-256, ``receivedSHA256``, so the evidence outlives it. A callback names no
    /// subject and is kept as it came.
    package var received: [UInt8]?
    /// For a call: the SHA-256 of ``received`` as it was, lowercase hex, kept when the answer is erased.
    package var receivedSHA256: String?
    /// The body the gateway sent, exactly; it names the subject, so like the answer it is sealed at rest and erased
    /// with the subject, and the digest covers its SHA-256, ``sentSHA256``.
    package var sent: [UInt8]?
    /// The SHA-256 of ``sent`` as it was, lowercase hex: kept when `sent` is erased.
    package var sentSHA256: String?
    /// The HTTP status of the processor's answer to one of the gateway's calls.
    package var status: Int?
    /// A callback's `X-MP-Signature` header as received (base64).
    package var signature: String?
    /// The processor domain a callback named (`X-MP-Processor-Domain`), as the allow-list matched it.
    package var domain: String?
    /// The certificate chain a callback was verified with, PEM, leaf first, ending at the trust root.
    package var chainPEM: String?

    package init(
        kind: Kind, at: Date, received: [UInt8]?, signature: String? = nil, domain: String? = nil,
        chainPEM: String? = nil
    ) {
        self.kind = kind
        self.at = at
        self.received = received
        self.signature = signature
        self.domain = domain
        self.chainPEM = chainPEM
    }

    /// One of the gateway's calls, not a callback: its bodies may name the subject, so they are cited by SHA-256, sealed
    /// at rest and erased with the subject.
    package var isCall: Bool { kind != .callback }

    /// One of the gateway's calls: what it sent (nil for a call without a body), and the answer's status and body.
    package init(kind: Kind, at: Date, sent: [UInt8]?, status: Int, received: [UInt8]) {
        self.init(kind: kind, at: at, received: received)
        receivedSHA256 = SHA256.hash(data: received).hexString
        self.sent = sent
        sentSHA256 = sent.map { SHA256.hash(data: $0).hexString }
        self.status = status
    }
}
