import AuditLog
import Crypto
import DSRCore
import Foundation
import ZIPFoundation

/// One request's evidence bundle: named files, and a `manifest` signed with the audit key (a C2SP signed note) that
/// lists every other file's SHA-256. Written and read as a zip; what each file holds is in docs/compliance.md.
package struct EvidenceBundle: Sendable, Equatable {
    package static let manifestName = "manifest"
    /// The verifier keys of the signers, one per line: what `evidence verify` checks with when given no key (and
    /// says so, since a forger would bring their own).
    package static let publicKeyName = "public-key"
    static let header = "dsr-gateway evidence bundle v1"

    /// Whether `name` is a file a bundle holds: what the verifier checks, and nothing it would pass over unread.
    static func isKnown(_ name: String) -> Bool {
        [manifestName, publicKeyName, requestName].contains(name)
            || (name.hasPrefix(auditFolder) && (name.hasSuffix(".json") || name.hasSuffix(".tlog-proof")))
            || (name.hasPrefix(callbackFolder) && name.hasSuffix(".json"))
            || (name.hasPrefix(callFolder)
                && (name.hasSuffix(".json") || bodies.contains { name.hasSuffix($0.suffix) }))
    }

    static let requestName = "request.json"
    static let auditFolder = "audit/"
    /// Kept callbacks, one record each.
    static let callbackFolder = "callbacks/"
    /// The gateway's kept calls to the processor: a record each, and beside it the exact bodies (``bodies``) until they
    /// are erased with the subject.
    static let callFolder = "processor/"
    /// A call's bodies beside its record: the file suffix, the record's member holding the body's SHA-256, and the
    /// exchange's body.
    static let bodies: [(suffix: String, digest: String, body: any KeyPath<ProcessorExchange, [UInt8]?> & Sendable)] = [
        (".sent", "sent_sha256", \.sent), (".answer", "received_sha256", \.received),
    ]

    /// File name → content, the manifest included.
    package var files: [String: [UInt8]]

    /// The bundle of `contents` for request `requestID`, its manifest signed by `signers`.
    package init(requestID: UUID, contents: [String: [UInt8]], signers: [NoteSigner]) throws {
        var contents = contents
        contents[Self.publicKeyName] = Array(signers.map { $0.verifier.encoded + "\n" }.joined().utf8)
        let text = Self.manifestText(requestID: requestID, files: contents)
        let note = text + "\n" + (try signers.map { try $0.signatureLine(for: text) + "\n" }.joined())
        files = contents
        files[Self.manifestName] = Array(note.utf8)
    }

    /// The manifest's signed text: the header, `request <id>`, then `<sha256 hex> <name>` per file, sorted by name.
    static func manifestText(requestID: UUID, files: [String: [UInt8]]) -> String {
        let lines =
            [header, "request \(requestID.uuidString.lowercased())"]
            + files.keys.sorted().map { "\(SHA256.hash(data: files[$0]!).hexString) \($0)" }
        return lines.map { $0 + "\n" }.joined()
    }

    package func zipped() throws -> Data {
        let archive = try Archive(accessMode: .create)
        for name in files.keys.sorted() {
            let content = Data(files[name]!)
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(content.count),
                modificationDate: Date(timeIntervalSince1970: 0), compressionMethod: .deflate
            ) { position, size in
                content.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw Archive.ArchiveError.unwritableArchive }
        return data
    }

    package init(zip: Data) throws {
        let archive = try Archive(data: zip, accessMode: .read)
        var files: [String: [UInt8]] = [:]
        for entry in archive {
            // One reading only: a second entry of the same name, or anything but a file, could show an unzip tool
            // something other than what was verified.
            guard entry.type == .file, files[entry.path] == nil else { throw EvidenceBundleError.ambiguous(entry.path) }
            var content = Data()
            _ = try archive.extract(entry, skipCRC32: false) { content.append($0) }
            files[entry.path] = Array(content)
        }
        self.files = files
    }
}

/// A zip that is not an evidence bundle as written.
package enum EvidenceBundleError: Error, Equatable, CustomStringConvertible {
    /// A name that appears twice, or an entry that is not a file.
    case ambiguous(String)

    package var description: String {
        switch self {
        case .ambiguous(let name): "\(name): repeated, or not a file: the zip can be read two ways"
        }
    }
}
