import Crypto
import DSRCore
import Foundation

/// The canonical bytes of a kept ``DSRCore/ProcessorExchange`` and their SHA-256: the digest the audit entries of the
/// change it caused carry (``DSRCore/AuditEntry/evidence``), so the audit log's tree vouches for the exchange. The
/// body is base64, so any bytes hash the same way everywhere. A call's bodies (what the gateway sent, and the answer)
/// are in it by their SHA-256 only, so the record still checks once they, which name the subject, are erased.
package enum EvidenceRecord {
    static let version = 1

    package static func bytes(requestID: UUID, exchange: ProcessorExchange) -> [UInt8] {
        CanonicalJSON.line(
            version: version,
            [
                ("at", Timestamp.format(exchange.at)), ("chain", exchange.chainPEM), ("domain", exchange.domain),
                ("kind", exchange.kind.rawValue),
                (
                    "received",
                    exchange.isCall ? nil : exchange.received.map { Data($0).base64EncodedString() }
                ),
                ("received_sha256", exchange.receivedSHA256), ("request", requestID.uuidString.lowercased()),
                ("sent_sha256", exchange.sentSHA256),
                ("signature", exchange.signature), ("status", exchange.status.map(String.init)),
            ])
    }

    /// The digest an audit entry carries: lowercase hex SHA-256 of ``bytes(requestID:exchange:)``.
    package static func digest(requestID: UUID, exchange: ProcessorExchange) -> String {
        SHA256.hash(data: bytes(requestID: requestID, exchange: exchange)).hexString
    }
}
