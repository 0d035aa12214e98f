import Foundation

/// Files and directories that hold subject data (the database and its WAL, backups, results archives and their
/// downloads) are readable by the gateway's user only: 0600 files, 0700 directories, whatever the umask.
package enum PrivateFiles {
    package static let fileMode: Int16 = 0o600
    package static let directoryMode: Int16 = 0o700

    /// Creates an empty 0600 file at `path` unless one exists (SQLite then creates the WAL and shared-memory files
    /// with the database file's mode).
    package static func createFileIfMissing(atPath path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: fileMode])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        try restrict(path)
    }

    /// Makes an existing file 0600.
    package static func restrict(_ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: fileMode], ofItemAtPath: path)
    }

    /// Creates `directory` (and its parents) if needed and makes it 0700.
    package static func createDirectory(_ directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: directoryMode])
        try FileManager.default.setAttributes([.posixPermissions: directoryMode], ofItemAtPath: directory.path)
    }
}
