import Logging

/// One log line's JSON object, written by hand: keys in byte order at every level, numbers as numbers, strings
/// escaped as RFC 8259 requires. Foundation's `JSONSerialization` with sorted keys compared every key through a
/// locale-aware string comparison and took half of the gateway's CPU at a few thousand requests a second (see
/// `docs/performance.md`).
enum JSONLine {
    static func encode(_ fields: [String: Logger.MetadataValue]) -> String {
        var line = ""
        line.reserveCapacity(256)
        append(fields, to: &line)
        return line
    }

    private static func append(_ object: [String: Logger.MetadataValue], to line: inout String) {
        line.append("{")
        for (index, (key, value)) in object.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { line.append(",") }
            append(string: key, to: &line)
            line.append(":")
            append(value, to: &line)
        }
        line.append("}")
    }

    private static func append(_ value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case .string(let text): append(string: text, to: &line)
        case .stringConvertible(let number as Int): line.append(String(number))
        case .stringConvertible(let number as Int64): line.append(String(number))
        case .stringConvertible(let number as Double) where number.isFinite: line.append(String(number))
        case .stringConvertible(let other): append(string: other.description, to: &line)
        case .dictionary(let dictionary): append(dictionary, to: &line)
        case .array(let array):
            line.append("[")
            for (index, element) in array.enumerated() {
                if index > 0 { line.append(",") }
                append(element, to: &line)
            }
            line.append("]")
        }
    }

    private static func append(string text: String, to line: inout String) {
        line.append("\"")
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            line.append(text)
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": line.append("\\\"")
                case "\\": line.append("\\\\")
                case "\n": line.append("\\n")
                case "\r": line.append("\\r")
                case "\t": line.append("\\t")
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    line.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                default: line.unicodeScalars.append(scalar)
                }
            }
        }
        line.append("\"")
    }
}
