import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
        if let text = try? String(contentsOfFile: keyFile, encoding: .utf8) {
            do { return (AuditSigningKeys(current: try NoteSigner(encoded: text), previous: retiring), false) } catch {
                throw .badKeyFile(keyFile, error)
            }
        }
        guard generating else { throw .noKey(keyFile) }
        let signer: NoteSigner
        do { signer = try NoteSigner(name: keyName) } catch { throw .badKeyName(keyName) }
        guard writeNew(keyFile, signer.encoded + "\n") else {
            // Another instance sharing the file may have written it first: take that one.
            if let text = try? String(contentsOfFile: keyFile, encoding: .utf8),
                let theirs = try? NoteSigner(encoded: text)
            {
                return (AuditSigningKeys(current: theirs, previous: retiring), false)
            }
            throw .cannotWrite(keyFile)
        }
        return (AuditSigningKeys(current: signer, previous: retiring), true)
    }

    /// Creates `path` readable by its owner only and writes `text`, failing if it exists.
    private static func writeNew(_ path: String, _ text: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count
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
