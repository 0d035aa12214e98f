import Foundation

/// A checkpoint extension line recording that the log was restored from a backup: the checkpoint of `size` with
/// `root` (sealed before the restore, and kept as a copy) is not part of the log that continues. Signed with the rest
/// of the checkpoint, so a restore is an explicit, signed event, never a silent re-seal.
package struct RestoreNotice: Sendable, Hashable {
    package var size: Int
    package var root: TreeHash

    package init(size: Int, root: TreeHash) {
        self.size = size
        self.root = root
    }

    private static let prefix = "restored-from-backup: not part of this log: checkpoint "

    /// The extension line for `checkpoint`.
    package static func line(_ checkpoint: Checkpoint) -> String {
        prefix + "\(checkpoint.size) \(Data(checkpoint.root).base64EncodedString())"
    }

    /// Reads an extension line; nil for any other line.
    package init?(line: String) {
        guard line.hasPrefix(Self.prefix) else { return nil }
        let fields = line.dropFirst(Self.prefix.count).split(separator: " ")
        guard fields.count == 2, let size = Int(fields[0]), let root = Data(base64Encoded: String(fields[1])) else {
            return nil
        }
        self.init(size: size, root: Array(root))
    }
}
