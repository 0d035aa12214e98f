/// Checks inclusion and consistency proofs exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 specify, so a proof made by any
/// correct RFC 6962 log (or by ``MerkleTree``) verifies, and a proof with a wrong leaf, a flipped bit, a wrong size,
/// a missing or extra hash does not.
package enum MerkleProofVerifier {
    /// Whether `proof` shows that the leaf with hash `leafHash` is at `index` in the tree of `size` with `root`.
    package static func verifyInclusion(
        leafHash: TreeHash, index: Int, size: Int, proof: [TreeHash], root: TreeHash
    ) -> Bool {
        guard index >= 0, index < size, proof.allSatisfy({ $0.count == 32 }) else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = MerkleTree.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleTree.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Whether `proof` shows that the tree of `size1` with `root1` is a prefix of the tree of `size2` with `root2`.
    package static func verifyConsistency(
        size1: Int, size2: Int, root1: TreeHash, root2: TreeHash, proof: [TreeHash]
    ) -> Bool {
        guard size1 >= 0, size1 <= size2, proof.allSatisfy({ $0.count == 32 }) else { return false }
        if size1 == size2 { return proof.isEmpty && root1 == root2 }
        // Every tree extends the empty one; there is nothing to prove.
        if size1 == 0 { return proof.isEmpty }
        guard !proof.isEmpty else { return false }
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        var fn = size1 - 1
        var sn = size2 - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleTree.nodeHash(c, fr)
                sr = MerkleTree.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleTree.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == root1 && sr == root2 && sn == 0
    }
}
