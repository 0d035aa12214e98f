import Foundation

/// The keys that sign the audit log's checkpoints: the configured key (`audit.signing_key`), else the key file's,
/// which the gateway generates on first start; and during a key rotation the key being retired too, so every
/// checkpoint of the overlap verifies with either.
package struct AuditSigningKeys: Sendable {
    package var current: NoteSigner
    package var previous: NoteSigner?

    package init(current: NoteSigner, previous: NoteSigner? = nil) {
        self.current = current
        self.previous = previous
    }

    /// Every key that signs, current first.
    package var signers: [NoteSigner] { [current] + (previous.map { [$0] } ?? []) }

    /// What checks their signatures.
    package var verifiers: [NoteVerifier] { signers.map(\.verifier) }

    /// The configured keys, or the key file's. When there is no key and `generating` is true a new key named
    /// `keyName` is written to `keyFile` (0600, never over an existing file) and `generated` is true.
    package static func load(
        configured: String?, previous: String?, keyFile: String, keyName: String, generating: Bool
    ) throws(AuditKeyError) -> (keys: AuditSigningKeys, generated: Bool) {
        var retiring: NoteSigner?
        if let previous {
            do { retiring = try NoteSigner(encoded: previous) } catch { throw .badConfiguredKey(error) }
        }
        if let configured {
            do {
                return (AuditSigningKeys(current: try NoteSigner(encoded: configured), previous: retiring), false)
            } catch { throw .badConfiguredKey(error) }
        }
        let signer: NoteSigner
        do { signer = try NoteSigner(name: keyName) } catch { throw .badKeyName(keyName) }
        let (text, generated) = SecretKeyFile.read(keyFile, generating: generating) { signer.encoded }
        guard let text else { throw generating ? .cannotWrite(keyFile) : .noKey(keyFile) }
        do { return (AuditSigningKeys(current: try NoteSigner(encoded: text), previous: retiring), generated) } catch {
            throw .badKeyFile(keyFile, error)
        }
    }
}

/// Why the audit signing keys could not be had. Never prints a key.
package enum AuditKeyError: Error, Equatable, CustomStringConvertible {
    case badConfiguredKey(NoteKeyError)
    case badKeyFile(String, NoteKeyError)
    case badKeyName(String)
    case noKey(String)
    case cannotWrite(String)

    package var description: String {
        switch self {
        case .badConfiguredKey(let error): "audit.signing_key (or audit.previous_signing_key): \(error)"
        case .badKeyFile(let path, let error): "the audit key file \(path): \(error)"
        case .badKeyName(let name): "audit.origin '\(name)' cannot name a key: no spaces or '+'"
        case .noKey(let path):
            "no audit signing key: audit.signing_key is unset and \(path) does not exist (the gateway creates it on "
                + "first start)"
        case .cannotWrite(let path): "cannot create the audit key file \(path)"
        }
    }
}
