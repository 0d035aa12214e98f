import DSRCore
import Foundation

/// The canonical bytes of an audit entry, whose RFC 6962 leaf hash is its leaf in the audit log's Merkle tree: one line
/// of JSON with the keys in a fixed (alphabetical) order, absent fields left out, times in UTC to the millisecond.
/// An entry holds no personal data (a request id, not a subject), so erasing a subject never breaks verification.
package enum AuditLeaf {
    /// Version of this encoding, first in every leaf.
    static let version = 1

    package static func bytes(requestID: UUID, entry: AuditEntry) -> [UInt8] {
        var fields: [(String, String?)] = [
            ("actor", entry.actor.rawValue), ("at", Timestamp.format(entry.at)), ("detail", entry.detail),
            ("event", entry.event.rawValue), ("fromState", entry.fromState?.rawValue),
            ("principal", entry.principal), ("request", requestID.uuidString.lowercased()),
            ("toState", entry.toState?.rawValue),
        ]
        fields.removeAll { $0.1 == nil }
        let members = fields.map { "\(quoted($0.0)):\(quoted($0.1!))" }
        return Array(("{\"v\":\(version)," + members.joined(separator: ",") + "}").utf8)
    }

    package static func hash(requestID: UUID, entry: AuditEntry) -> TreeHash {
        MerkleTree.leafHash(bytes(requestID: requestID, entry: entry))
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as it is.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
