import Foundation

/// A signed statement of the audit log's size and root in the C2SP `tlog-checkpoint` format: the origin (which log),
/// the tree size and the base64 root hash, one per line, then optional extension lines, signed as a C2SP signed note
/// (a blank line, then one `— <key name> <signature>` line per key).
package struct Checkpoint: Sendable, Equatable {
    package var origin: String
    package var size: Int
    package var root: TreeHash
    /// Extra lines after the root (e.g. a note that the log was restored from a backup).
    package var extensions: [String]

    package init(origin: String, size: Int, root: TreeHash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The signed text: every line newline-terminated.
    package var body: String {
        ([origin, String(size), Data(root).base64EncodedString()] + extensions).map { $0 + "\n" }.joined()
    }

    /// The note: the body, a blank line, a signature line per signer (during a key rotation, old and new).
    package func signed(by signers: [NoteSigner]) throws -> String {
        let text = body
        return text + "\n" + (try signers.map { try $0.signatureLine(for: text) + "\n" }.joined())
    }

    /// Reads a signed checkpoint: at least one signature must be by one of `verifiers` and every signature by a known
    /// key must verify; signatures by unknown keys are ignored, as the signed-note format requires.
    package static func open(_ note: String, verifiers: [NoteVerifier]) throws(CheckpointError) -> Checkpoint {
        let text = try signedText(note, verifiers: verifiers)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard lines.count >= 3, let size = Int(lines[1]), size >= 0, String(size) == lines[1],
            let root = Data(base64Encoded: lines[2]), root.count == 32, !lines[0].isEmpty
        else { throw .malformed("expected the origin, the size and a base64 SHA-256 root, one per line") }
        return Checkpoint(origin: lines[0], size: size, root: Array(root), extensions: Array(lines.dropFirst(3)))
    }

    /// The text of a C2SP signed note (up to the last blank line) once its signatures check out.
    package static func signedText(_ note: String, verifiers: [NoteVerifier]) throws(CheckpointError) -> String {
        try verified(note, verifiers: verifiers).text
    }

    /// The text of a C2SP signed note once its signatures check out, and the names of the `verifiers` whose signatures
    /// it carries (lines by other keys are ignored, so their names say nothing).
    package static func verified(_ note: String, verifiers: [NoteVerifier]) throws(CheckpointError) -> (
        text: String, signers: [String]
    ) {
        guard note.hasSuffix("\n"), let split = note.range(of: "\n\n", options: .backwards) else {
            throw .malformed("no blank line before the signatures")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        var signers: [String] = []
        for line in note[split.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == "\u{2014}", let signature = Data(base64Encoded: String(fields[2]))
            else { throw .malformed("a signature line is not '— <key name> <base64>'") }
            for verifier in verifiers where verifier.isSigner(name: fields[1], signature: Array(signature)) {
                guard verifier.verifies(Array(signature), of: text) else { throw .badSignature(verifier.name) }
                signers.append(verifier.name)
            }
        }
        guard !signers.isEmpty else { throw .unverified }
        return (text, signers)
    }
}

/// Why a checkpoint could not be read.
package enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    /// No signature is by a known key.
    case unverified
    /// A known key's signature does not verify: the text or the signature was changed.
    case badSignature(String)

    package var description: String {
        switch self {
        case .malformed(let why): "not a checkpoint: \(why)"
        case .unverified: "not signed by a known audit key"
        case .badSignature(let key): "the signature by \(key) does not verify: the checkpoint was altered"
        }
    }
}
