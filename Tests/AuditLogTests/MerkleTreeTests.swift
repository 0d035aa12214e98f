import AuditLog
import Foundation
import Testing

/// The tree, its proofs and its frontier agree with each other for every small size, and every proof fails once any
/// part of it is wrong.
@Suite struct MerkleTreeTests {
    static let leaves: [TreeHash] = (0..<40).map { MerkleTree.leafHash(Array("entry \($0)".utf8)) }

    @Test func theFrontierHasTheRootOfEveryPrefixAndReloadsFromItsPackedForm() throws {
        var frontier = MerkleFrontier()
        #expect(frontier.root == MerkleTree.emptyRoot)
        for (count, leaf) in Self.leaves.enumerated() {
            frontier.append(leaf)
            #expect(frontier.root == MerkleTree.root(Self.leaves[...count]), "size \(count + 1)")
            let reloaded = try #require(MerkleFrontier(size: frontier.size, packed: frontier.packed))
            #expect(reloaded == frontier)
            // Each stored subtree is the root of the leaves its range covers.
            for (range, subtree) in zip(frontier.ranges, frontier.subtrees) {
                #expect(MerkleTree.root(Self.leaves[range]) == subtree)
            }
        }
        #expect(MerkleFrontier(size: 3, packed: Array(repeating: 0, count: 32)) == nil)
    }

    @Test func everyInclusionProofVerifiesAndNoAlteredOneDoes() {
        for size in 1...Self.leaves.count {
            let tree = Self.leaves[..<size]
            let root = MerkleTree.root(tree)
            for index in 0..<size {
                let proof = MerkleTree.inclusionProof(index: index, tree)
                let leaf = Self.leaves[index]
                #expect(
                    MerkleProofVerifier.verifyInclusion(
                        leafHash: leaf, index: index, size: size, proof: proof, root: root))
                // A wrong leaf or index, a flipped bit, a hash missing or appended: all refused (wrong sizes: the vectors).
                let other = Self.leaves[(index + 1) % Self.leaves.count]
                #expect(
                    !MerkleProofVerifier.verifyInclusion(
                        leafHash: other, index: index, size: size, proof: proof, root: root))
                #expect(
                    !MerkleProofVerifier.verifyInclusion(
                        leafHash: leaf, index: index + 1, size: size, proof: proof, root: root))
                #expect(
                    !MerkleProofVerifier.verifyInclusion(
                        leafHash: leaf, index: index, size: size, proof: proof + [leaf], root: root))
                if !proof.isEmpty {
                    var flipped = proof
                    flipped[0][0] ^= 1
                    #expect(
                        !MerkleProofVerifier.verifyInclusion(
                            leafHash: leaf, index: index, size: size, proof: flipped, root: root))
                    #expect(
                        !MerkleProofVerifier.verifyInclusion(
                            leafHash: leaf, index: index, size: size, proof: Array(proof.dropLast()), root: root))
                }
            }
        }
    }

    @Test func everyConsistencyProofVerifiesAndNoAlteredOneDoes() {
        for size2 in 1...Self.leaves.count {
            let tree = Self.leaves[..<size2]
            let root2 = MerkleTree.root(tree)
            for size1 in 0...size2 {
                let root1 = MerkleTree.root(Self.leaves[..<size1])
                let proof = MerkleTree.consistencyProof(from: size1, tree)
                #expect(
                    MerkleProofVerifier.verifyConsistency(
                        size1: size1, size2: size2, root1: root1, root2: root2, proof: proof), "\(size1) → \(size2)")
                guard size1 > 0, size1 < size2 else { continue }
                var flipped = proof
                flipped[flipped.count - 1][31] ^= 0x80
                #expect(
                    !MerkleProofVerifier.verifyConsistency(
                        size1: size1, size2: size2, root1: root1, root2: root2, proof: flipped))
                #expect(
                    !MerkleProofVerifier.verifyConsistency(
                        size1: size1, size2: size2, root1: root2, root2: root1, proof: proof))
                #expect(
                    !MerkleProofVerifier.verifyConsistency(
                        size1: size1, size2: size2, root1: root1, root2: root2, proof: proof + [root1]))
                #expect(
                    !MerkleProofVerifier.verifyConsistency(
                        size1: size1, size2: size2, root1: root1, root2: root2, proof: Array(proof.dropFirst())))
            }
        }
    }

    @Test func leavesAndNodesAreHashedApart() {
        // RFC 6962's domain separation: a leaf holding two hashes is not the node of those hashes.
        let a = Self.leaves[0]
        let b = Self.leaves[1]
        #expect(MerkleTree.leafHash(a + b) != MerkleTree.nodeHash(a, b))
        #expect(
            MerkleTree.emptyRoot.map { String(format: "%02x", $0) }.joined()
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
