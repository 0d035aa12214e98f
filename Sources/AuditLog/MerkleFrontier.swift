/// The right edge of a growing Merkle tree: the roots of its perfect subtrees, largest first (one per set bit of the
/// size). Appending a leaf and computing the root each take O(log n), so a checkpoint extends the previous one's
/// frontier with the new leaves instead of rehashing the whole log.
package struct MerkleFrontier: Sendable, Equatable {
    /// Leaves appended so far.
    package private(set) var size: Int
    /// The perfect subtrees' roots, largest (leftmost) first.
    package private(set) var subtrees: [TreeHash]

    package init() {
        size = 0
        subtrees = []
    }

    /// A frontier as stored with a checkpoint: its size and its subtree roots concatenated. Nil when they disagree.
    package init?(size: Int, packed: [UInt8]) {
        guard size >= 0, packed.count == size.nonzeroBitCount * 32 else { return nil }
        self.size = size
        subtrees = stride(from: 0, to: packed.count, by: 32).map { Array(packed[$0..<$0 + 32]) }
    }

    /// The subtree roots concatenated, for storing.
    package var packed: [UInt8] { subtrees.flatMap { $0 } }

    /// The leaf positions each subtree covers, in the order of ``subtrees``.
    package var ranges: [Range<Int>] {
        var start = 0
        return (0..<Int.bitWidth).reversed().compactMap { bit in
            guard size & (1 << bit) != 0 else { return nil }
            defer { start += 1 << bit }
            return start..<start + (1 << bit)
        }
    }

    package mutating func append(_ leafHash: TreeHash) {
        subtrees.append(leafHash)
        size += 1
        // Each trailing one bit of the new size's predecessor is a pair of equal subtrees to merge.
        var merges = (size - 1) & ~size
        while merges != 0 {
            let right = subtrees.removeLast()
            let left = subtrees.removeLast()
            subtrees.append(MerkleTree.nodeHash(left, right))
            merges >>= 1
        }
    }

    /// The tree's root (MTH of every leaf appended).
    package var root: TreeHash {
        guard var root = subtrees.last else { return MerkleTree.emptyRoot }
        for left in subtrees.dropLast().reversed() { root = MerkleTree.nodeHash(left, root) }
        return root
    }
}
