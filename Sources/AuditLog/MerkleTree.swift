import Crypto

/// A SHA-256 node of the audit log's Merkle tree.
package typealias TreeHash = [UInt8]

/// The hashing of RFC 6962 §2.1 (RFC 9162 §2.1.1), as Certificate Transparency logs use it: a leaf is
/// SHA-256(0x00 ‖ data), an inner node SHA-256(0x01 ‖ left ‖ right), so no leaf can pass for a node. The tree of `n`
/// leaves splits at the largest power of two below `n`.
package enum MerkleTree {
    /// The root of the empty tree: SHA-256 of nothing.
    package static let emptyRoot: TreeHash = Array(SHA256.hash(data: [UInt8]()))

    package static func leafHash(_ data: some Sequence<UInt8>) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [0])
        hasher.update(data: Array(data))
        return Array(hasher.finalize())
    }

    package static func nodeHash(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [1])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The Merkle tree hash (MTH) of `leaves`, which are leaf hashes.
    package static func root(_ leaves: ArraySlice<TreeHash>) -> TreeHash {
        switch leaves.count {
        case 0: return emptyRoot
        case 1: return leaves[leaves.startIndex]
        default:
            let split = leaves.startIndex + largestPowerOfTwo(below: leaves.count)
            return nodeHash(root(leaves[..<split]), root(leaves[split...]))
        }
    }

    /// The audit path of leaf `index` in the tree of `leaves` (RFC 6962 §2.1.1 PATH), nearest sibling first.
    package static func inclusionProof(index: Int, _ leaves: ArraySlice<TreeHash>) -> [TreeHash] {
        precondition(leaves.indices.contains(leaves.startIndex + index), "no such leaf")
        guard leaves.count > 1 else { return [] }
        let k = largestPowerOfTwo(below: leaves.count)
        let split = leaves.startIndex + k
        if index < k {
            return inclusionProof(index: index, leaves[..<split]) + [root(leaves[split...])]
        }
        return inclusionProof(index: index - k, leaves[split...]) + [root(leaves[..<split])]
    }

    /// The proof that the tree of the first `size` leaves is a prefix of the tree of `leaves` (RFC 6962 §2.1.2
    /// PROOF); empty when `size` is 0 or the whole tree.
    package static func consistencyProof(from size: Int, _ leaves: ArraySlice<TreeHash>) -> [TreeHash] {
        precondition((0...leaves.count).contains(size), "no such size")
        guard size > 0 else { return [] }
        return subproof(size, leaves, complete: true)
    }

    private static func subproof(_ m: Int, _ leaves: ArraySlice<TreeHash>, complete: Bool) -> [TreeHash] {
        if m == leaves.count { return complete ? [] : [root(leaves)] }
        let k = largestPowerOfTwo(below: leaves.count)
        let split = leaves.startIndex + k
        if m <= k {
            return subproof(m, leaves[..<split], complete: complete) + [root(leaves[split...])]
        }
        return subproof(m - k, leaves[split...], complete: false) + [root(leaves[..<split])]
    }

    /// The largest power of two strictly below `n` (n > 1).
    static func largestPowerOfTwo(below n: Int) -> Int {
        1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }
}
