import Crypto
import DSRCore
import Foundation

/// The canonical bytes of a kept ``DSRCore/ProcessorExchange`` and their SHA-256: the digest the audit entries of the
/// change it caused carry (``DSRCore/AuditEntry/evidence``), so the audit log's tree vouches for the exchange. The
/// body is base64, so any bytes hash the same way everywhere. What the gateway sent is in it by its SHA-256 only, so
/// the record still checks once that body, which names the subject, is erased.
package enum EvidenceRecord {
    static let version = 1

    package static func bytes(requestID: UUID, exchange: ProcessorExchange) -> [UInt8] {
        CanonicalJSON.line(
            version: version,
            [
                ("at", Timestamp.format(exchange.at)), ("chain", exchange.chainPEM), ("domain", exchange.domain),
                ("kind", exchange.kind.rawValue), ("received", Data(exchange.received).base64EncodedString()),
                ("request", requestID.uuidString.lowercased()), ("sent_sha256", exchange.sentSHA256),
                ("signature", exchange.signature), ("status", exchange.status.map(String.init)),
            ])
    }

    /// The digest an audit entry carries: lowercase hex SHA-256 of ``bytes(requestID:exchange:)``.
    package static func digest(requestID: UUID, exchange: ProcessorExchange) -> String {
        SHA256.hash(data: bytes(requestID: requestID, exchange: exchange)).hexString
    }
}
