import Foundation

/// Makes a SQLite database unwritable for the gateway that has it open, until ``release()``: the immutable flag on
/// the file and its WAL (`chattr +i`: writes through open descriptors fail, also for root) where the kernel allows
/// it, otherwise another process holding an exclusive lock on it (writes wait past the health check's timeout).
final class StoreWriteBlocker {
    private let files: [String]
    private let holder: Process?

    init(database: String) throws {
        let files = [database, database + "-wal"]
        if Self.chattr("+i", files) {
            self.files = files
            holder = nil
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                + "c.execute('PRAGMA busy_timeout = 5000'); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); "
                + "sys.stdin.read()",
            database,
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        _ = output.fileHandleForReading.availableData  // "locked"
        self.files = []
        holder = process
    }

    func release() {
        if !files.isEmpty { _ = Self.chattr("-i", files) }
        if let holder {
            (holder.standardInput as? Pipe)?.fileHandleForWriting.closeFile()
            holder.waitUntilExit()
        }
    }

    private static func chattr(_ flag: String, _ files: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [flag] + files
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
