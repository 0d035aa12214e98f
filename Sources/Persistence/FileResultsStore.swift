import Foundation

/// Stores results archives as files in one directory: `<directory>/<subject_request_id>.zip`.
/// Downloads are written to a temporary name and renamed into place, so a stored archive is always whole.
package struct FileResultsStore: Sendable {
    package let directory: URL

    /// Creates the directory if needed.
    package init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    /// A fresh temporary file name in the same directory (same file system, so the rename is atomic).
    package func temporaryFile() -> URL {
        directory.appendingPathComponent(".download-\(UUID().uuidString.lowercased()).part")
    }

    /// Moves a finished download into place and returns its location (a `file://` URL).
    package func commit(_ temporary: URL, subjectRequestId: String) throws -> String {
        let destination = directory.appendingPathComponent("\(subjectRequestId).zip")
        if FileManager.default.fileExists(atPath: destination.path) {
            try FileManager.default.removeItem(at: destination)
        }
        try FileManager.default.moveItem(at: temporary, to: destination)
        return destination.absoluteString
    }

    /// Removes a temporary file after a failed download.
    package func discard(_ temporary: URL) {
        try? FileManager.default.removeItem(at: temporary)
    }
}
