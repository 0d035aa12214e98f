import Crypto
import DSRCore
import Foundation
import Persistence
import ZIPFoundation

/// What the demo shows of a downloaded results archive (sealed at rest: opened as `dsr-gateway results open` does,
/// with the keys this process loaded): its files, and whether its SHA-256 matches the audit trail.
struct ResultsArchiveSummary {
    let file: URL
    let requestID: String
    let audit: [RequestSnapshot.Entry]

    func render() -> String {
        let opened = file.deletingLastPathComponent().appendingPathComponent(".\(requestID).opened.zip")
        defer { try? FileManager.default.removeItem(at: opened) }
        do {
            try SealedArchive.open(file, to: opened, requestID: requestID)
        } catch {
            return "  (archive does not open: \(error))"
        }
        guard let data = FileManager.default.contents(atPath: opened.path) else { return "  (archive missing)" }
        let digest = SHA256.hash(data: data).hexString
        let recorded = audit.last { $0.event == "results_stored" }?.detail ?? ""
        var lines = [
            "  stored sealed at \(file.path) (the demo's temporary directory, removed on exit)",
            "  \(data.count) bytes, sha256 \(digest) (\(recorded.contains(digest) ? "matches" : "DOES NOT match") the audit trail)",
        ]
        if let archive = try? Archive(data: data, accessMode: .read) {
            for entry in archive {
                var content = Data()
                _ = try? archive.extract(entry) { content.append($0) }
                let lineCount = content.split(separator: UInt8(ascii: "\n")).count
                lines.append("  \(entry.path): \(lineCount) JSON line\(lineCount == 1 ? "" : "s")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
