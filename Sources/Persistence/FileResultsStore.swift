import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Stores results archives as files in one directory, sealed at rest with the subject keys (``SealedArchive``):
/// `<directory>/<subject_request_id>.zip.sealed`, which `dsr-gateway results open` turns back into the zip. A download
/// is staged in the same directory and sealed into place through a temporary file renamed at the end, so an archive
/// is always whole; the directory is 0700, each file 0600, and the plain download is removed once sealed.
package struct FileResultsStore: ResultsStore {
    package let directory: URL
    private let keys: SubjectKeys

    /// Creates the directory (0700) if needed.
    package init(directory: String, keys: SubjectKeys) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.keys = keys
        try PrivateFiles.createDirectory(self.directory)
    }

    /// Downloads are staged beside the archives, so the rename into place never crosses a file system.
    package var stagingDirectory: URL { directory }

    package func save(_ file: URL, subjectRequestId: String) async throws -> String {
        let destination = directory.appendingPathComponent("\(subjectRequestId).zip.sealed")
        let sealing = directory.appendingPathComponent(".\(subjectRequestId).\(UUID().uuidString).sealing")
        defer {
            try? FileManager.default.removeItem(at: sealing)
            try? FileManager.default.removeItem(at: file)
        }
        try SealedArchive.seal(file, to: sealing, requestID: subjectRequestId, keys: keys)
        // rename(2): an archive already there is replaced in one step, never missing in between.
        guard rename(sealing.path, destination.path) == 0 else {
            throw ResultsStoreError(message: "cannot move the sealed archive into place (errno \(errno))")
        }
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
