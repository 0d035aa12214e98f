import AuditLog
import Foundation
import Testing

/// transparency-dev/merkle's proof test data (Vectors/README.md): every valid proof verifies, and every altered one is
/// refused — wrong leaves and roots, flipped bits, sizes and indexes off by one or shifted, hashes missing, swapped,
/// prepended or appended, and garbage.
@Suite struct ProofVectorTests {
    typealias Case = [String: Any]

    static func cases(_ file: String) throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "Vectors/\(file)", withExtension: "json"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [Case])
    }

    /// A size or index: one that does not fit an `Int` (the data has 2^64 − 1) is no valid position.
    static func number(_ value: Any?) -> Int {
        (value as? NSNumber).flatMap { Int(exactly: $0.uint64Value) } ?? -1
    }

    /// A base64 hash as the data has it; what is not base64 (or absent) decodes to no bytes, which no proof accepts.
    static func hash(_ value: Any?) -> TreeHash {
        (value as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) } ?? []
    }

    static func proof(_ value: Any?) -> [TreeHash] { (value as? [Any] ?? []).map(hash) }

    @Test func inclusionProofs() throws {
        let cases = try Self.cases("inclusion")
        #expect(cases.count > 100)
        for vector in cases {
            let verified = MerkleProofVerifier.verifyInclusion(
                leafHash: Self.hash(vector["leafHash"]), index: Self.number(vector["leafIdx"] ?? vector["leafIndex"]),
                size: Self.number(vector["treeSize"]), proof: Self.proof(vector["proof"]),
                root: Self.hash(vector["root"]))
            #expect(verified == !(vector["wantErr"] as? Bool ?? true), "\(vector["name"] ?? "?")")
        }
    }

    @Test func consistencyProofs() throws {
        let cases = try Self.cases("consistency")
        #expect(cases.count > 100)
        for vector in cases {
            let verified = MerkleProofVerifier.verifyConsistency(
                size1: Self.number(vector["size1"]), size2: Self.number(vector["size2"]),
                root1: Self.hash(vector["root1"]), root2: Self.hash(vector["root2"]), proof: Self.proof(vector["proof"])
            )
            #expect(verified == !(vector["wantErr"] as? Bool ?? true), "\(vector["name"] ?? "?")")
        }
    }
}
