import DSRCore
import Foundation
import Logging
import Synchronization

/// swift-log output as one JSON object per line (keys in byte order): `timestamp`, `level` (upper case), `message`,
/// `label` and every metadata key. Numbers stay numbers, so the operations guide's CloudWatch filters work as written:
/// `{ $.status >= 500 }`, `{ $.duration > 5000 }` (milliseconds), and text filters such as `ERROR` or
/// `certificate validation failed`.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    private let label: String
    private let write: @Sendable (String) -> Void

    /// Writes to `write` (standard error by default), one call per line.
    package init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        fields["timestamp"] = .string(Timestamp.format(Date()))
        fields["level"] = .string(event.level.rawValue.uppercased())
        fields["message"] = .string(event.message.description)
        fields["label"] = .string(label)
        write(JSONLine.encode(fields))
    }

    private static let lock = Mutex(())

    /// Whole lines to standard error, never interleaved.
    package static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}
