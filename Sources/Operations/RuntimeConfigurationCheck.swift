import Foundation

/// The part of the configuration that can break while the gateway runs, re-checked by every `GET /health`: the trust
/// roots file still readable, the results directory still writable, room left on the database's disk. Start-up
/// validated everything else once.
package struct RuntimeConfigurationCheck: Sendable {
    /// `callbacks.trust_roots_file`, when the roots come from a file.
    var trustRootsFile: String?
    /// `results.directory`, when results are kept on this machine.
    var resultsDirectory: String?
    /// The SQLite file, when the store is one.
    var databaseFile: String?
    var publicBaseURLConfigured: Bool
    /// Below this much free space on the database's disk the gateway cannot promise to keep what it accepts: fail.
    var failBelowBytes: Int64 = 64 << 20
    /// Below this much, warn.
    var warnBelowBytes: Int64 = 1 << 30

    package init(
        trustRootsFile: String?, resultsDirectory: String?, databaseFile: String?, publicBaseURLConfigured: Bool
    ) {
        self.trustRootsFile = trustRootsFile
        self.resultsDirectory = resultsDirectory
        self.databaseFile = databaseFile
        self.publicBaseURLConfigured = publicBaseURLConfigured
    }

    /// The worst finding, or a pass naming what was checked.
    func run() -> HealthCheck {
        var notes: [String] = []
        var lowDisk = false
        if let trustRootsFile, !FileManager.default.isReadableFile(atPath: trustRootsFile) {
            return HealthCheck(.fail, "the trust roots file is not readable: callbacks cannot be verified")
        }
        if let resultsDirectory, !Self.canWrite(in: resultsDirectory) {
            return HealthCheck(.fail, "the results directory is not writable: access results cannot be stored")
        }
        if let databaseFile, let free = Self.freeBytes(near: databaseFile) {
            if free < failBelowBytes {
                return HealthCheck(.fail, "\(free >> 20) MiB free on the database's disk: submissions may fail")
            }
            if free < warnBelowBytes {
                lowDisk = true
                notes.append("\(free >> 20) MiB free on the database's disk")
            }
        }
        // A missing public_base_url is a choice, not trouble: said, but only low disk space warns.
        if !publicBaseURLConfigured { notes.append("public_base_url not set, callbacks go to the listen address") }
        let detail = (["trust roots, results directory and disk re-checked"] + notes).joined(separator: "; ")
        return HealthCheck(lowDisk ? .warn : .pass, detail)
    }

    /// Creates and removes a file in `directory`.
    private static func canWrite(in directory: String) -> Bool {
        let probe = URL(fileURLWithPath: directory).appendingPathComponent(".health-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data("probe".utf8)) else { return false }
        try? FileManager.default.removeItem(at: probe)
        return true
    }

    /// Free bytes on the file system holding `path` (or its directory, before the file exists).
    private static func freeBytes(near path: String) -> Int64? {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let attributes = try? FileManager.default.attributesOfFileSystem(forPath: directory.isEmpty ? "." : directory)
        return (attributes?[.systemFreeSize] as? NSNumber)?.int64Value
    }
}
