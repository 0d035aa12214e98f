import DSRCore
import Foundation
import Logging
import Synchronization

/// swift-log output as one JSON object per line: `timestamp`, `level` (upper case), `message`, `label`, then every
/// metadata key. Numbers stay numbers, so the operations guide's CloudWatch filters work as written:
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
        var object: [String: Any] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.json(value)
        }
        object["timestamp"] = Timestamp.format(Date())
        object["level"] = event.level.rawValue.uppercased()
        object["message"] = event.message.description
        object["label"] = label
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        write(String(decoding: data, as: UTF8.self))
    }

    private static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let number as Int): return number
        case .stringConvertible(let number as Int64): return number
        case .stringConvertible(let number as Double): return number
        case .stringConvertible(let other): return other.description
        case .dictionary(let dictionary): return dictionary.mapValues(json)
        case .array(let array): return array.map(json)
        }
    }

    private static let lock = Mutex(())

    /// Whole lines to standard error, never interleaved.
    package static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}
