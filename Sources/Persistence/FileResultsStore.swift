import Foundation

/// Stores results archives as files in one directory: `<directory>/<subject_request_id>.zip`.
/// A download is staged in the same directory, so it is renamed into place (no copy), always whole; the directory is
/// 0700 and each archive 0600.
package struct FileResultsStore: ResultsStore {
    package let directory: URL

    /// Creates the directory (0700) if needed.
    package init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        try PrivateFiles.createDirectory(self.directory)
    }

    /// Downloads are staged beside the archives, so the rename into place never crosses a file system.
    package var stagingDirectory: URL { directory }

    package func save(_ file: URL, subjectRequestId: String) async throws -> String {
        let destination = directory.appendingPathComponent("\(subjectRequestId).zip")
        try PrivateFiles.restrict(file.path)
        if FileManager.default.fileExists(atPath: destination.path) {
            try FileManager.default.removeItem(at: destination)
        }
        try FileManager.default.moveItem(at: file, to: destination)
        return destination.absoluteString
    }

    package func delete(location: String) async throws {
        guard let url = URL(string: location), url.isFileURL, url.deletingLastPathComponent().path == directory.path
        else { throw ResultsStoreError(message: "not a location of this store") }
        if FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.removeItem(at: url)
        }
    }
}

/// A results store refused an operation.
package struct ResultsStoreError: Error, CustomStringConvertible {
    package var message: String

    package init(message: String) { self.message = message }
    package var description: String { message }
}
