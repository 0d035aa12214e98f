import DSRCore
import Logging

/// One log line's JSON object, written by ``JSONWriter``: keys in byte order at every level, numbers as numbers.
/// Foundation's `JSONSerialization` with sorted keys compared every key through a locale-aware string comparison and
/// took half of the gateway's CPU at a few thousand requests a second (see `docs/performance.md`).
enum JSONLine {
    static func encode(_ fields: [String: Logger.MetadataValue]) -> String {
        var writer = JSONWriter(capacity: 256)
        write(fields, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static func write(_ object: [String: Logger.MetadataValue], to writer: inout JSONWriter) {
        writer.object { writer in
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                writer.key(key)
                write(value, to: &writer)
            }
        }
    }

    private static func write(_ value: Logger.MetadataValue, to writer: inout JSONWriter) {
        switch value {
        case .string(let text): writer.string(text)
        case .stringConvertible(let number as Int): writer.literal(String(number))
        case .stringConvertible(let number as Int64): writer.literal(String(number))
        case .stringConvertible(let number as Double) where number.isFinite: writer.literal(String(number))
        case .stringConvertible(let other): writer.string(other.description)
        case .dictionary(let dictionary): write(dictionary, to: &writer)
        case .array(let array): writer.array(array) { writer, element in write(element, to: &writer) }
        }
    }
}
