import DSRCore
import Foundation

/// The canonical bytes of an audit entry, whose RFC 6962 leaf hash is its leaf in the audit log's Merkle tree: one line
/// of JSON with the keys in a fixed (alphabetical) order, absent fields left out, times in UTC to the millisecond.
/// An entry holds no personal data (a request id, not a subject), so erasing a subject never breaks verification. An
/// entry caused by a kept ``DSRCore/ProcessorExchange`` carries that exchange's digest (``EvidenceRecord``), so the
/// tree vouches for the exchange too; entries without one encode exactly as before the field existed.
package enum AuditLeaf {
    /// Version of this encoding, first in every leaf.
    static let version = 1

    package static func bytes(requestID: UUID, entry: AuditEntry) -> [UInt8] {
        CanonicalJSON.line(
            version: version,
            [
                ("actor", entry.actor.rawValue), ("at", Timestamp.format(entry.at)), ("detail", entry.detail),
                ("event", entry.event.rawValue), ("evidence", entry.evidence), ("fromState", entry.fromState?.rawValue),
                ("principal", entry.principal), ("request", requestID.uuidString.lowercased()),
                ("toState", entry.toState?.rawValue),
            ])
    }

    package static func hash(requestID: UUID, entry: AuditEntry) -> TreeHash {
        MerkleTree.leafHash(bytes(requestID: requestID, entry: entry))
    }
}
