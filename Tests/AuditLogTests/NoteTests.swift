import AuditLog
import Foundation
import Testing

/// Signed notes and checkpoints interoperate with the Go reference (`golang.org/x/mod/sumdb/note`, whose documented
/// example key and note are used here) and refuse every alteration.
@Suite struct NoteTests {
    static let goSigner = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let goVerifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let goText =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let goSignature =
        "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="

    @Test func theGoReferenceKeysAndSignatureAreReproduced() throws {
        let signer = try NoteSigner(encoded: Self.goSigner)
        #expect(signer.encoded == Self.goSigner)
        #expect(signer.verifier.encoded == Self.goVerifier)
        #expect(try NoteVerifier(encoded: Self.goVerifier) == signer.verifier)
        // Ed25519 is deterministic: the same key signs the same text with the same bytes.
        #expect(try signer.signatureLine(for: Self.goText) == Self.goSignature)
        let note = Self.goText + "\n" + Self.goSignature + "\n"
        #expect(try Checkpoint.signedText(note, verifiers: [signer.verifier]) == Self.goText)
    }

    @Test(arguments: [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // wrong hash
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",  // short key
        "PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWA",  // not Ed25519
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // a space in the name
        "PeterNeumann+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ])
    func malformedVerifierKeysAreRefused(key: String) {
        #expect(throws: NoteKeyError.self) { try NoteVerifier(encoded: key) }
    }

    @Test func aCheckpointRoundTripsAndEveryAlterationIsRefused() throws {
        let signer = try NoteSigner(name: "dsr-gateway.test/audit")
        let rotated = try NoteSigner(name: "dsr-gateway.test/audit-2")
        let checkpoint = Checkpoint(
            origin: "dsr-gateway.test/audit", size: 17, root: MerkleTree.leafHash([1, 2, 3]), extensions: ["note"])
        let note = try checkpoint.signed(by: [signer, rotated])
        #expect(try Checkpoint.open(note, verifiers: [signer.verifier]) == checkpoint)
        #expect(try Checkpoint.open(note, verifiers: [rotated.verifier]) == checkpoint)

        let stranger = try NoteSigner(name: "dsr-gateway.test/audit")
        #expect(throws: CheckpointError.unverified) { try Checkpoint.open(note, verifiers: [stranger.verifier]) }
        let resized = note.replacingOccurrences(of: "\n17\n", with: "\n18\n")
        #expect(throws: CheckpointError.badSignature(signer.name)) {
            try Checkpoint.open(resized, verifiers: [signer.verifier])
        }
        let unsigned = checkpoint.body
        #expect(throws: CheckpointError.self) { try Checkpoint.open(unsigned, verifiers: [signer.verifier]) }
        #expect(throws: CheckpointError.self) { try Checkpoint.open(note + "garbage", verifiers: [signer.verifier]) }
    }
}
