import Crypto
import DSRCore
import Foundation
import ZIPFoundation

/// What the demo shows of a downloaded results archive: its files, and whether its SHA-256 matches the audit trail.
struct ResultsArchiveSummary {
    let file: URL
    let audit: [RequestSnapshot.Entry]

    func render() -> String {
        guard let data = FileManager.default.contents(atPath: file.path) else { return "  (archive missing)" }
        let digest = SHA256.hash(data: data).hexString
        let recorded = audit.last { $0.event == "results_stored" }?.detail ?? ""
        var lines = [
            "  stored at \(file.path) (the demo's temporary directory, removed on exit)",
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
