import Foundation

/// A uniquely named directory under the system temporary directory, removed by `remove()`.
package struct TemporaryDirectory: Sendable {
    package let url: URL

    package init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    package func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
