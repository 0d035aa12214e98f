import AuditLog
import Crypto
import DSRCore
import Foundation
import Synchronization

/// The keys that keep subject ids and emails unreadable in the database and its backups (docs/compliance.md): each
/// value is sealed with AES-GCM under the current key, bound to its request and column, and stored as
/// `enc1:<key id>:<base64>`, so keys can rotate row by row; equality lookups (the same subject's requests) compare
/// an HMAC of the customer id, never the value. The subkeys (sealing, lookup, and results archives:
/// ``SealedArchive``) are derived from one 256-bit key (HKDF-SHA256).
///
/// Opening a value needs its key by id: every key loaded into a `SubjectKeys` is also registered process-wide (keys
/// are identified by a hash of their material, so stores with different keys never collide), which lets rows decode
/// wherever they are read.
package struct SubjectKeys: Sendable {
    /// One key: its id (8 hex digits of a hash of the key), and the subkeys derived from it.
    package struct Key: Sendable {
        package let id: String
        let sealing: SymmetricKey
        let lookup: SymmetricKey
        /// Seals results archives at rest (``SealedArchive``).
        let archives: SymmetricKey

        init(_ material: [UInt8]) {
            let key = SymmetricKey(data: material)
            id = SHA256.hash(data: Array("dsr-gateway subject key".utf8) + material).prefix(4).hexString
            sealing = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: key, info: Array("dsr-gateway subject sealing v1".utf8), outputByteCount: 32)
            lookup = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: key, info: Array("dsr-gateway subject lookup v1".utf8), outputByteCount: 32)
            archives = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: key, info: Array("dsr-gateway results archive v1".utf8), outputByteCount: 32)
        }
    }

    /// Seals new values and computes lookups.
    package let current: Key
    /// Keys values may still be sealed with (during a rotation).
    package let previous: [Key]

    /// Keys from their base64 text (32 random bytes each).
    package init(current: String, previous: [String] = []) throws(SubjectKeyError) {
        self.current = Key(try Self.material(current))
        var older: [Key] = []
        for text in previous { older.append(Key(try Self.material(text))) }
        self.previous = older
        Self.registry.withLock { registry in
            for key in [self.current] + older { registry[key.id] = key }
        }
    }

    /// A new random key's text.
    package static func generate() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The ids of every key this holds.
    package var ids: Set<String> { Set(([current] + previous).map(\.id)) }

    /// How a value sealed with the current key starts, for finding rows that are not (`LIKE` pattern with `%`).
    var currentPattern: String { "\(Self.prefix)\(current.id):%" }

    /// A value sealed for `column` of request `requestID`, sealed afresh with the current key.
    func resealed(_ stored: String, requestID: UUID, column: String) throws -> String {
        seal(try Self.reveal(stored, requestID: requestID, column: column), requestID: requestID, column: column)
    }

    /// A row's stored subject sealed afresh with the current key, with its lookup: what a rotation (or the first
    /// sealing of a row stored in plain text) writes back.
    func resealed(customerId: String, email: String?, requestID: UUID) throws -> (
        customerId: String, email: String?, lookup: String
    ) {
        let customer = try Self.reveal(customerId, requestID: requestID, column: "subject_customer_id")
        let mail = try email.map { try Self.reveal($0, requestID: requestID, column: "subject_email") }
        return (
            seal(customer, requestID: requestID, column: "subject_customer_id"),
            mail.map { seal($0, requestID: requestID, column: "subject_email") }, lookup(customerId: customer)
        )
    }

    private static func material(_ text: String) throws(SubjectKeyError) -> [UInt8] {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32
        else { throw .malformed }
        return Array(data)
    }

    /// The stored form of `value`, sealed for `column` of request `requestID`.
    package func seal(_ value: String, requestID: UUID, column: String) -> String {
        let box = try! AES.GCM.seal(
            Data(value.utf8), using: current.sealing,
            authenticating: Data("\(requestID.uuidString.lowercased())/\(column)".utf8))
        return "\(Self.prefix)\(current.id):\(box.combined!.base64EncodedString())"
    }

    /// The HMAC that stands for a customer id in equality lookups (hex), under the current key: what a new row stores.
    package func lookup(customerId: String) -> String {
        Self.lookup(customerId, current)
    }

    /// The customer id's HMAC under every key, current first: a row stored before a rotation is found too.
    package func lookups(customerId: String) -> [String] {
        ([current] + previous).map { Self.lookup(customerId, $0) }
    }

    private static func lookup(_ customerId: String, _ key: Key) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(customerId.utf8), using: key.lookup).hexString
    }

    private static let prefix = "enc1:"

    /// A loaded key by id (every key any `SubjectKeys` in this process holds).
    static func key(id: String) -> Key? {
        registry.withLock { $0[id] }
    }
    private static let registry = Mutex<[String: Key]>([:])

    /// The value `stored` holds: opened with its key (found by id among every key loaded in this process), or as it
    /// is when it was stored before subjects were sealed.
    static func reveal(_ stored: String, requestID: UUID, column: String) throws -> String {
        guard stored.hasPrefix(prefix) else { return stored }
        let fields = stored.dropFirst(prefix.count).split(separator: ":", maxSplits: 1)
        guard fields.count == 2, let combined = Data(base64Encoded: String(fields[1])) else {
            throw StoreError(code: .corruptRow, column: column)
        }
        guard let key = registry.withLock({ $0[String(fields[0])] }) else {
            throw StoreError(code: .subjectKeyMissing, column: column)
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(
                box, using: key.sealing,
                authenticating: Data("\(requestID.uuidString.lowercased())/\(column)".utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            // Changed, or moved from another row: the value is not this row's.
            throw StoreError(code: .corruptRow, column: column)
        }
    }

    /// The configured keys (`store.encryption_key`, `store.previous_encryption_keys`), or the key file's, generated
    /// (0600) when there is none and `generating` is true.
    package static func load(
        configured: String?, previous: [String], keyFile: String, generating: Bool
    ) throws(SubjectKeyError) -> (keys: SubjectKeys, generated: Bool) {
        if let configured { return (try SubjectKeys(current: configured, previous: previous), false) }
        let (text, generated) = SecretKeyFile.read(keyFile, generating: generating, generate)
        guard let text else { throw generating ? .cannotWrite(keyFile) : .noKey(keyFile) }
        do { return (try SubjectKeys(current: text, previous: previous), generated) } catch {
            throw .badKeyFile(keyFile)
        }
    }
}

/// Why the subject keys could not be had. Never prints a key.
package enum SubjectKeyError: Error, Equatable, CustomStringConvertible {
    case malformed
    case badKeyFile(String)
    case noKey(String)
    case cannotWrite(String)

    package var description: String {
        switch self {
        case .malformed: "store.encryption_key (or a previous key) must be 32 bytes in base64"
        case .badKeyFile(let path): "the subject key file \(path) does not hold a 32-byte base64 key"
        case .noKey(let path): "no subject key: store.encryption_key is unset and \(path) does not exist"
        case .cannotWrite(let path): "cannot create the subject key file \(path)"
        }
    }
}
