import AuditLog
import Foundation

/// Recomputes the audit log's Merkle tree from the stored entries and checks it against every signed checkpoint (the
/// store's and any kept elsewhere), and each checkpoint against the next: what `dsr-gateway audit verify` reports and
/// what the checkpointer checks before it signs more. Positions name entries; no entry content is ever reported.
package struct AuditLogVerification: Sendable {
    /// A checkpoint to check, and where it was found (the database, or a file).
    package struct Source: Sendable {
        package var location: String
        package var note: String

        package init(location: String, note: String) {
            self.location = location
            self.note = note
        }
    }

    /// Something wrong, at the first position it affects.
    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        package var position: Int
        package var message: String

        package var description: String { "position \(position): \(message)" }
    }

    /// What was checked and what was found.
    package struct Report: Sendable {
        package var entries: Int
        /// Checkpoints whose signature verified, largest tree last.
        package var checkpoints: [(location: String, checkpoint: Checkpoint)]
        package var problems: [Problem]
        /// Checkpoints of the log as it was before a restore from a backup, which a later checkpoint recorded as no
        /// longer part of it (``RestoreNotice``): not problems, but said.
        package var restores: [String]

        /// The first position that is not as it was sealed, if any.
        package var firstBrokenPosition: Int? { problems.map(\.position).min() }
    }

    private let store: any AuditLogStore
    private let verifiers: [NoteVerifier]
    /// The log's origin (`audit.origin`): a checkpoint naming another is about another log.
    private let origin: String

    package init(store: any AuditLogStore, verifiers: [NoteVerifier], origin: String) {
        self.store = store
        self.verifiers = verifiers
        self.origin = origin
    }

    /// Reads every entry and checks the store's checkpoints and `extra` ones.
    package func run(extra: [Source] = []) async throws -> Report {
        let head = try await store.auditLogHead()
        let size = head.size
        var problems: [Problem] = []
        var leaves: [TreeHash] = []
        leaves.reserveCapacity(size)
        // Positions are unique (an index says so); a position with no entry was deleted.
        var next = 0
        while next < size {
            let end = min(size, next + Self.page)
            for row in try await store.auditLogRows(from: next, to: end) {
                while leaves.count < row.position ?? leaves.count {
                    problems.append(Problem(position: leaves.count, message: "the entry is missing (deleted)"))
                    leaves.append([])
                }
                if let problem = row.problem(hashedFrom: head.hashedFrom) {
                    problems.append(Problem(position: leaves.count, message: problem))
                }
                // The hash as written (an edit is named above; the root then vouches for that hash), else the content's.
                leaves.append(row.storedHash ?? row.leafHash)
            }
            while leaves.count < end {
                problems.append(Problem(position: leaves.count, message: "the entry is missing (deleted)"))
                leaves.append([])
            }
            next = end
        }
        if let extra = try await store.auditLogRows(from: size, to: Int(Int32.max)).first {
            problems.append(
                Problem(
                    position: extra.position ?? size,
                    message: "an entry beyond the log's recorded size of \(size) (written behind the gateway's back)"))
        }
        if try await !store.auditLogRowsWithoutPosition(limit: 1).isEmpty {
            problems.append(
                Problem(position: size, message: "an entry without a position (written behind the gateway's back)"))
        }
        let stored = try await store.auditCheckpoints().map {
            (Source(location: "database", note: $0.note), MerkleFrontier(size: $0.size, packed: $0.frontier))
        }
        let (checkpoints, checkpointProblems, restores) = check(stored + extra.map { ($0, nil) }, against: leaves)
        return Report(
            entries: size, checkpoints: checkpoints, problems: problems + checkpointProblems, restores: restores)
    }

    /// Positions read per query.
    static let page = 10_000

    /// Checks each checkpoint against the tree of `leaves`. A difference is placed at the start of the smallest range
    /// the checkpoint lets us name (a subtree of its frontier, or since the last checkpoint that matched), even when an
    /// entry inside it is named exactly: without the sealed hashes nothing before that entry can be vouched for.
    private func check(
        _ sources: [(Source, MerkleFrontier?)], against leaves: [TreeHash]
    ) -> ([(location: String, checkpoint: Checkpoint)], [Problem], [String]) {
        var problems: [Problem] = []
        var restores: [String] = []
        var opened: [(location: String, checkpoint: Checkpoint, frontier: MerkleFrontier?)] = []
        for (source, frontier) in sources {
            do {
                let checkpoint = try Checkpoint.open(source.note, verifiers: verifiers)
                guard checkpoint.origin == origin else {
                    problems.append(
                        Problem(
                            position: checkpoint.size,
                            message:
                                "the checkpoint in \(source.location) is about another log ('\(checkpoint.origin)')"))
                    continue
                }
                // The stored frontier is not signed: it only helps place a difference if it agrees with the note.
                let trusted = frontier.flatMap { $0.size == checkpoint.size && $0.root == checkpoint.root ? $0 : nil }
                opened.append((source.location, checkpoint, trusted))
            } catch {
                let size = Checkpoint.claimedSize(source.note) ?? 0
                problems.append(Problem(position: size, message: "the checkpoint in \(source.location): \(error)"))
            }
        }
        opened.sort { $0.checkpoint.size < $1.checkpoint.size }
        let recorded = Set(opened.flatMap { $0.checkpoint.extensions.compactMap(RestoreNotice.init(line:)) })
        func restored(_ checkpoint: Checkpoint, _ location: String) -> Bool {
            guard recorded.contains(RestoreNotice(size: checkpoint.size, root: checkpoint.root)) else { return false }
            restores.append(
                "the checkpoint of \(checkpoint.size) in \(location) belongs to the log before a restore from a backup")
            return true
        }
        // Walk the leaves once, comparing the root at each checkpoint's size.
        var tree = MerkleFrontier()
        var lastGood = 0
        var good: [Checkpoint] = []
        for (location, checkpoint, frontier) in opened {
            guard checkpoint.size <= leaves.count else {
                if restored(checkpoint, location) { continue }
                problems.append(
                    Problem(
                        position: leaves.count,
                        message: "the log ends here, but the checkpoint in \(location) sealed \(checkpoint.size) "
                            + "entries: the entries from here on were removed"))
                continue
            }
            while tree.size < checkpoint.size { tree.append(leaves[tree.size]) }
            if tree.root == checkpoint.root {
                lastGood = checkpoint.size
                good.append(checkpoint)
                continue
            }
            if restored(checkpoint, location) { continue }
            let start = frontier.flatMap { firstDifference(sealed: $0, leaves: leaves) } ?? lastGood
            problems.append(
                Problem(
                    position: start,
                    message: "the entries from here to position \(checkpoint.size - 1) differ from what the "
                        + "checkpoint in \(location) sealed (changed, reordered or replaced)"))
        }
        // Checkpoints that match the tree must also prove consistent with each other.
        for (older, newer) in zip(good, good.dropFirst()) where older.size < newer.size {
            let proof = MerkleTree.consistencyProof(from: older.size, leaves[..<newer.size])
            if !MerkleProofVerifier.verifyConsistency(
                size1: older.size, size2: newer.size, root1: older.root, root2: newer.root, proof: proof)
            {
                problems.append(
                    Problem(position: older.size, message: "checkpoints of \(older.size) and \(newer.size) disagree"))
            }
        }
        return (opened.map { ($0.location, $0.checkpoint) }, problems, restores)
    }

    /// The first leaf of the first subtree whose root differs from what the checkpoint's frontier sealed.
    private func firstDifference(sealed: MerkleFrontier, leaves: [TreeHash]) -> Int? {
        for (range, root) in zip(sealed.ranges, sealed.subtrees) where MerkleTree.root(leaves[range]) != root {
            return range.lowerBound
        }
        return nil
    }
}

extension Checkpoint {
    /// The size a note claims, read without checking it (to place a problem with a checkpoint that does not verify).
    static func claimedSize(_ note: String) -> Int? {
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 1 ? Int(lines[1]) : nil
    }
}
