import Crypto
import Foundation

/// A results archive sealed at rest with the subject keys' archive subkey: the STREAM construction (as `age` and
/// Tink's streaming AEAD use), so archives of hundreds of megabytes are sealed and opened a segment at a time.
///
/// Layout: the magic `dsrgw-archive-v1`, the key id (8 hex digits), a random 7-byte nonce prefix; then segments of at
/// most 64 KiB of the archive, each AES-256-GCM sealed (ciphertext, then its 16-byte tag) under the nonce prefix ‖
/// segment number (4 bytes, big-endian) ‖ 1 for the last segment, else 0, with the request id as associated data. The
/// last segment may be empty. A truncated, reordered, extended or moved (to another request) file does not open.
package enum SealedArchive {
    static let magic = Array("dsrgw-archive-v1".utf8)
    static let segmentSize = 64 * 1024
    static let headerSize = 16 + 8 + 7

    /// Seals `source` into `destination` (created 0600, replaced if present) for request `requestID`.
    package static func seal(_ source: URL, to destination: URL, requestID: String, keys: SubjectKeys) throws {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        let output = try create(destination)
        defer { try? output.close() }
        let prefix = (0..<7).map { _ in UInt8.random(in: 0...255) }
        try output.write(contentsOf: magic + Array(keys.current.id.utf8) + prefix)
        var next = try input.read(upToCount: segmentSize) ?? Data()
        var number: UInt32 = 0
        while true {
            let following = next.count == segmentSize ? try input.read(upToCount: segmentSize) ?? Data() : Data()
            let last = following.isEmpty
            let box = try AES.GCM.seal(
                next, using: keys.current.archives, nonce: try nonce(prefix, number, last: last),
                authenticating: Data(requestID.utf8))
            try output.write(contentsOf: box.ciphertext + box.tag)
            if last { return }
            (next, number) = (following, number + 1)
        }
    }

    /// Opens `source` (sealed for `requestID` with any key loaded in this process) into `destination` (0600); when it
    /// does not open, no part of it is left at `destination`.
    package static func open(_ source: URL, to destination: URL, requestID: String) throws {
        do {
            try openSegments(source, to: destination, requestID: requestID)
        } catch {
            try? FileManager.default.removeItem(at: destination)
            throw error
        }
    }

    private static func openSegments(_ source: URL, to destination: URL, requestID: String) throws {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        let header = Array(try input.read(upToCount: headerSize) ?? Data())
        guard header.count == headerSize, Array(header.prefix(magic.count)) == magic else {
            throw SealedArchiveError.notSealed
        }
        let id = String(decoding: header[magic.count..<magic.count + 8], as: UTF8.self)
        guard let key = SubjectKeys.key(id: id) else { throw SealedArchiveError.keyMissing(id) }
        let prefix = Array(header.suffix(7))
        let output = try create(destination)
        defer { try? output.close() }
        let sealedSize = segmentSize + 16
        var next = try input.read(upToCount: sealedSize) ?? Data()
        var number: UInt32 = 0
        while true {
            let following = next.count == sealedSize ? try input.read(upToCount: sealedSize) ?? Data() : Data()
            let last = following.isEmpty
            guard next.count >= 16 else { throw SealedArchiveError.damaged }
            do {
                let box = try AES.GCM.SealedBox(
                    nonce: try nonce(prefix, number, last: last), ciphertext: next.dropLast(16), tag: next.suffix(16))
                try output.write(
                    contentsOf: try AES.GCM.open(box, using: key.archives, authenticating: Data(requestID.utf8)))
            } catch {
                throw SealedArchiveError.damaged
            }
            if last { return }
            (next, number) = (following, number + 1)
        }
    }

    private static func nonce(_ prefix: [UInt8], _ number: UInt32, last: Bool) throws -> AES.GCM.Nonce {
        try AES.GCM.Nonce(data: prefix + withUnsafeBytes(of: number.bigEndian, Array.init) + [last ? 1 : 0])
    }

    private static func create(_ file: URL) throws -> FileHandle {
        try? FileManager.default.removeItem(at: file)
        try PrivateFiles.createFileIfMissing(atPath: file.path)
        return try FileHandle(forWritingTo: file)
    }
}

/// Why a sealed archive did not open.
package enum SealedArchiveError: Error, Equatable, CustomStringConvertible {
    case notSealed
    case keyMissing(String)
    /// Changed, truncated, extended, or sealed for another request.
    case damaged

    package var description: String {
        switch self {
        case .notSealed: "not a sealed results archive"
        case .keyMissing(let id): "sealed with key \(id), which is not configured (store.previous_encryption_keys?)"
        case .damaged: "the archive does not open: changed, cut short, or sealed for another request"
        }
    }
}
