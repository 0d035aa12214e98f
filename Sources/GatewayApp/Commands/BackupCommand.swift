import ArgumentParser
import Foundation
import Persistence

/// `dsr-gateway backup --config FILE --out FILE`: a consistent copy of the SQLite database, taken while the gateway
/// serves, then read back and checked. PostgreSQL is backed up with its own tools (see docs/runbooks.md).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the SQLite database while the gateway serves, and check the copy.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The new file to write (refused if it exists).")
    var out: String

    func run() async throws {
        guard case .sqlite(let path) = try await store.location() else {
            throw CommandFailure(
                "the store is PostgreSQL: back it up with pg_dump or the server's PITR (docs/runbooks.md)")
        }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw CommandFailure("\(out) exists; a backup only ever writes a new file")
        }
        let started = Date()
        try await SQLiteRequestStore.backup(databaseAt: path, to: out)
        let summary = try await SQLiteRequestStore.inspectBackup(at: out)
        print(
            "backup written to \(out): schema v\(summary.schemaVersion), \(summary.requests) requests, "
                + "\(summary.auditEntries) audit entries, integrity ok, "
                + String(format: "%.1f s", Date().timeIntervalSince(started)))
    }
}

/// `dsr-gateway restore --from FILE --config FILE`: puts a checked backup where the configuration's database goes.
/// Never overwrites: the database file (and its WAL) must not exist, so a live database cannot be replaced.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup as the configured SQLite database (refused while one exists there).")

    @OptionGroup var store: StoreOptions

    @Option(help: "The backup file (from dsr-gateway backup).")
    var from: String

    func run() async throws {
        guard case .sqlite(let path) = try await store.location(mustExist: false) else {
            throw CommandFailure("the store is PostgreSQL: restore it with pg_restore (docs/runbooks.md)")
        }
        for existing in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: existing) {
            throw CommandFailure(
                "\(existing) exists: stop the gateway and move the database away first (restore never overwrites)")
        }
        let summary = try await SQLiteRequestStore.inspectBackup(at: from)
        guard summary.schemaVersion <= SQLiteRequestStore.latestSchemaVersion else {
            throw CommandFailure(
                "the backup's schema (v\(summary.schemaVersion)) is newer than this release's "
                    + "(v\(SQLiteRequestStore.latestSchemaVersion)): restore it with the release that wrote it")
        }
        // Copied beside the target and renamed into place: a crash mid-copy leaves no half database behind.
        let partial = path + ".restoring"
        try? FileManager.default.removeItem(atPath: partial)
        try FileManager.default.copyItem(atPath: from, toPath: partial)
        try PrivateFiles.restrict(partial)
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        print(
            "restored \(from) to \(path): schema v\(summary.schemaVersion), \(summary.requests) requests, "
                + "\(summary.auditEntries) audit entries; the gateway migrates it on start if it is older")
    }
}
