import Foundation

/// Stores results archives as files in one directory: `<directory>/<subject_request_id>.zip`.
/// An archive is copied to a temporary name beside its final one and renamed into place, so it is always whole; the
/// directory is 0700 and each archive 0600.
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
        let partial = directory.appendingPathComponent(".\(subjectRequestId).\(UUID().uuidString.lowercased()).part")
        try FileManager.default.copyItem(at: file, to: partial)
        try PrivateFiles.restrict(partial.path)
        if FileManager.default.fileExists(atPath: destination.path) {
            try FileManager.default.removeItem(at: destination)
        }
        try FileManager.default.moveItem(at: partial, to: destination)
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
