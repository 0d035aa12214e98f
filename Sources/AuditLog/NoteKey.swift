import Crypto
import DSRCore
import Foundation

/// Ed25519 keys in the encodings of the C2SP signed-note specification (the format Go's `golang.org/x/mod/sumdb/note`
/// and transparency logs share): a signer key `PRIVATE+KEY+<name>+<hash>+<base64(0x01 ‖ seed)>` and a verifier key
/// `<name>+<hash>+<base64(0x01 ‖ public key)>`, where `<hash>` is the key id in 8 hex digits.
package struct NoteSigner: Sendable {
    package let name: String
    package let privateKey: Curve25519.Signing.PrivateKey

    package init(name: String, privateKey: Curve25519.Signing.PrivateKey = .init()) throws(NoteKeyError) {
        guard NoteVerifier.isValidName(name) else { throw .badName }
        self.name = name
        self.privateKey = privateKey
    }

    /// Parses `PRIVATE+KEY+<name>+<hash>+<base64(0x01 ‖ seed)>`, checking the hash against the key.
    package init(encoded: String) throws(NoteKeyError) {
        // The base64 key may itself hold a '+': only the first four separate fields.
        let parts = encoded.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
            let data = Data(base64Encoded: String(parts[4])), data.count == 33, data.first == NoteVerifier.ed25519,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data.dropFirst())
        else { throw .malformed }
        try self.init(name: String(parts[2]), privateKey: key)
        guard String(parts[3]) == verifier.keyIDHex else { throw .wrongHash }
    }

    /// The signer key's text (a secret).
    package var encoded: String {
        "PRIVATE+KEY+\(name)+\(verifier.keyIDHex)+"
            + Data([NoteVerifier.ed25519] + privateKey.rawRepresentation).base64EncodedString()
    }

    package var verifier: NoteVerifier {
        NoteVerifier(name: name, publicKey: privateKey.publicKey)
    }

    /// The signature line for `text` (a note's text, newline-terminated): `— <name> <base64(key id ‖ signature)>`.
    package func signatureLine(for text: String) throws -> String {
        let signature = try privateKey.signature(for: Data(text.utf8))
        return "\u{2014} \(name) " + Data(verifier.keyID + Array(signature)).base64EncodedString()
    }
}

/// The public half of a ``NoteSigner``: what checks a checkpoint's signature.
package struct NoteVerifier: Sendable, Equatable {
    static let ed25519: UInt8 = 0x01

    package let name: String
    package let publicKey: Curve25519.Signing.PublicKey

    package init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    /// Parses `<name>+<hash>+<base64(0x01 ‖ public key)>`, checking the hash against the key.
    package init(encoded: String) throws(NoteKeyError) {
        let parts = encoded.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, Self.isValidName(String(parts[0])),
            let data = Data(base64Encoded: String(parts[2])), data.count == 33, data.first == Self.ed25519,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: data.dropFirst())
        else { throw .malformed }
        self.init(name: String(parts[0]), publicKey: key)
        guard String(parts[1]) == keyIDHex else { throw .wrongHash }
    }

    package static func == (lhs: NoteVerifier, rhs: NoteVerifier) -> Bool {
        lhs.name == rhs.name && lhs.publicKey.rawRepresentation == rhs.publicKey.rawRepresentation
    }

    /// The verifier key's text (public).
    package var encoded: String {
        "\(name)+\(keyIDHex)+" + Data([Self.ed25519] + publicKey.rawRepresentation).base64EncodedString()
    }

    /// The first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
    package var keyID: [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, Self.ed25519] + publicKey.rawRepresentation).prefix(4))
    }

    var keyIDHex: String { keyID.hexString }

    /// Whether a signature line's name and key id are this key's: then its signature must verify.
    func isSigner(name: Substring, signature: [UInt8]) -> Bool {
        name == self.name && signature.count >= 4 && Array(signature.prefix(4)) == keyID
    }

    /// Whether `signature` (key id ‖ Ed25519 signature) by this key signs `text`.
    func verifies(_ signature: [UInt8], of text: String) -> Bool {
        signature.count == 68 && Array(signature.prefix(4)) == keyID
            && publicKey.isValidSignature(signature.dropFirst(4), for: Data(text.utf8))
    }

    /// A key name: non-empty, no spaces, no `+`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("+")
            && !name.unicodeScalars.contains { CharacterSet.whitespacesAndNewlines.contains($0) }
    }
}

/// Why a note key could not be read.
package enum NoteKeyError: Error, Equatable, CustomStringConvertible {
    case malformed
    case wrongHash
    case badName

    package var description: String {
        switch self {
        case .malformed: "not a note key (expected PRIVATE+KEY+<name>+<hash>+<key> or <name>+<hash>+<key>, Ed25519)"
        case .wrongHash: "the key's hash does not match its name and key"
        case .badName: "a key name must be non-empty, without spaces or '+'"
        }
    }
}
