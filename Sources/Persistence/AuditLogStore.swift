import AuditLog
import DSRCore
import Foundation

/// The audit trail read as one append-only log: every entry of every request is a leaf of a Merkle tree at the
/// position its transaction allocated, and signed checkpoints of that tree are kept beside it (docs/compliance.md).
package protocol AuditLogStore: Sendable {
    /// How many entries the log holds (positions `0..<size` are committed), and from which position on every entry
    /// was written with its leaf hash.
    func auditLogHead() async throws -> AuditLogHead

    /// The entries at positions `from..<to`, ordered by position, as stored: what ``AuditLogRow`` reads.
    func auditLogRows(from: Int, to: Int) async throws -> [AuditLogRow]

    /// One request's entries, in the order they were written, with their positions: what its evidence bundle proves.
    func auditLogRows(requestID: UUID) async throws -> [AuditLogRow]

    /// Entries stored without a position (written behind the gateway's back), at most `limit`.
    func auditLogRowsWithoutPosition(limit: Int) async throws -> [AuditLogRow]

    /// Every stored checkpoint, smallest first.
    func auditCheckpoints() async throws -> [StoredCheckpoint]

    /// The checkpoint of the largest tree, if any.
    func latestAuditCheckpoint() async throws -> StoredCheckpoint?

    /// Stores a checkpoint unless the same note is stored (another instance signed it first); true if stored.
    @discardableResult
    func addAuditCheckpoint(_ checkpoint: StoredCheckpoint) async throws -> Bool
}

/// The log's size, and the position from which every entry carries its leaf hash (entries before it were written
/// before the audit trail became a tree).
package struct AuditLogHead: Sendable, Equatable {
    package var size: Int
    package var hashedFrom: Int

    package init(size: Int, hashedFrom: Int) {
        self.size = size
        self.hashedFrom = hashedFrom
    }

    init(reading reader: some StoreRowReader) throws {
        self.init(size: try reader.integer("size"), hashedFrom: try reader.integer("hashed_from"))
    }
}

/// One audit entry as the log stores it: its position, request and content, and the leaf hash computed when it was
/// written (nil for entries written before the log was a tree).
package struct AuditLogRow: Sendable, Equatable {
    package var position: Int?
    package var requestID: UUID
    package var entry: AuditEntry
    package var storedHash: TreeHash?

    package init(position: Int?, requestID: UUID, entry: AuditEntry, storedHash: TreeHash?) {
        self.position = position
        self.requestID = requestID
        self.entry = entry
        self.storedHash = storedHash
    }

    /// The leaf hash of the row's content as it is now.
    package var leafHash: TreeHash { AuditLeaf.hash(requestID: requestID, entry: entry) }

    /// What is wrong with the row as stored, if anything: its content changed after its hash was written, or it has
    /// no hash at a position (`from hashedFrom` on) where every entry was written with one.
    package func problem(hashedFrom: Int) -> String? {
        if let storedHash, storedHash != leafHash { return "the entry was changed after it was written" }
        if storedHash == nil, let position, position >= hashedFrom {
            return "the entry has no leaf hash: it was written behind the gateway's back"
        }
        return nil
    }

    /// The columns ``init(reading:)`` needs, in `SELECT` order.
    static let columns =
        "leaf_index, request_id, at, actor, event, from_state, to_state, detail, principal AS audit_principal, "
        + "evidence, leaf_hash"

    init(reading reader: some StoreRowReader) throws {
        self.init(
            position: try reader.optionalInteger("leaf_index"), requestID: try reader.id("request_id"),
            entry: try AuditEntry(reading: reader), storedHash: try reader.optionalBytes("leaf_hash"))
    }
}

/// A signed checkpoint as stored: the tree's size and root, the frontier the next checkpoint extends, and the note.
package struct StoredCheckpoint: Sendable, Equatable {
    package var size: Int
    package var root: TreeHash
    package var frontier: [UInt8]
    /// The C2SP signed note (``Checkpoint``).
    package var note: String
    package var signedAt: Date

    package init(size: Int, root: TreeHash, frontier: [UInt8], note: String, signedAt: Date) {
        self.size = size
        self.root = root
        self.frontier = frontier
        self.note = note
        self.signedAt = signedAt
    }

    static let columns = "size, root, frontier, note, signed_at"

    init(reading reader: some StoreRowReader) throws {
        self.init(
            size: try reader.integer("size"), root: try reader.optionalBytes("root") ?? [],
            frontier: try reader.optionalBytes("frontier") ?? [], note: try reader.text("note"),
            signedAt: try reader.date("signed_at"))
    }
}

/// The audit log's statements, shared by both engines; `parameter(n)` spells the n-th bind (`?n` or `$n`).
enum AuditLogSQL {
    static let head = "SELECT size, hashed_from FROM audit_log WHERE id = 1"

    static func rows(_ parameter: (Int) -> String) -> String {
        """
        SELECT \(AuditLogRow.columns) FROM audit_entries
        WHERE leaf_index >= \(parameter(1)) AND leaf_index < \(parameter(2)) ORDER BY leaf_index
        """
    }

    static func rowsOfRequest(_ parameter: (Int) -> String) -> String {
        "SELECT \(AuditLogRow.columns) FROM audit_entries WHERE request_id = \(parameter(1)) ORDER BY id"
    }

    static func rowsWithoutPosition(_ parameter: (Int) -> String) -> String {
        "SELECT \(AuditLogRow.columns) FROM audit_entries WHERE leaf_index IS NULL ORDER BY id LIMIT \(parameter(1))"
    }

    static let checkpoints = "SELECT \(StoredCheckpoint.columns) FROM audit_checkpoints ORDER BY size, id"

    static let latestCheckpoint =
        "SELECT \(StoredCheckpoint.columns) FROM audit_checkpoints ORDER BY size DESC, id DESC LIMIT 1"

    /// Binds: size, root, frontier, note, signed at; returns a row only when stored.
    static func insertCheckpoint(_ parameter: (Int) -> String) -> String {
        """
        INSERT INTO audit_checkpoints (\(StoredCheckpoint.columns)) VALUES (\((1...5).map(parameter).joined(separator: ", ")))
        ON CONFLICT (note) DO NOTHING RETURNING size
        """
    }
}
