import Foundation

/// Writes JSON bytes directly, for what is written on the hot path (a status body with every read, a log line with
/// every request): what ``JSONCoding/encoder()`` would write for the same value, without Foundation's generic
/// encoding machinery, which `perf` showed as the largest single cost of a status read (docs/performance.md).
///
/// Callers write an object's fields in sorted key order and leave out nil values, as the encoder does.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Whether the next value needs a comma before it.
    private var afterValue = false

    package init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    package mutating func object(_ fields: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        afterValue = false
        fields(&self)
        bytes.append(UInt8(ascii: "}"))
        afterValue = true
    }

    package mutating func array<Items: Sequence>(_ items: Items, _ element: (inout JSONWriter, Items.Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        afterValue = false
        for item in items { element(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        afterValue = true
    }

    package mutating func string(_ text: String) {
        separate()
        quote(text)
        afterValue = true
    }

    /// A field; nothing when `value` is nil.
    package mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    /// A date as ``Timestamp`` writes it (RFC 3339, milliseconds, UTC).
    package mutating func field(_ key: String, _ value: Date?) {
        guard let value else { return }
        self.key(key)
        bytes.append(UInt8(ascii: "\""))
        Timestamp.append(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        afterValue = true
    }

    package mutating func field<Value: RawRepresentable<String>>(_ key: String, _ value: Value?) {
        field(key, value?.rawValue)
    }

    package mutating func field(_ key: String, _ value: Int) {
        self.key(key)
        literal(String(value))
    }

    package mutating func field(_ key: String, _ value: Bool) {
        self.key(key)
        literal(value ? "true" : "false")
    }

    /// A field whose value is the object `fields` writes.
    package mutating func object(_ key: String, _ fields: (inout JSONWriter) -> Void) {
        self.key(key)
        object(fields)
    }

    /// A field whose value is the array of `items`, each written by `element`.
    package mutating func array<Items: Sequence>(
        _ key: String, _ items: Items, _ element: (inout JSONWriter, Items.Element) -> Void
    ) {
        self.key(key)
        array(items, element)
    }

    /// A number (or `true`, `false`, `null`) as its JSON text.
    package mutating func literal(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        afterValue = true
    }

    /// An object's next key; its value follows.
    package mutating func key(_ key: String) {
        separate()
        quote(key)
        bytes.append(UInt8(ascii: ":"))
        afterValue = false
    }

    private mutating func separate() {
        if afterValue { bytes.append(UInt8(ascii: ",")) }
    }

    /// A JSON string: quotes, backslashes and control characters escaped as the encoder escapes them; slashes and
    /// everything else as they are (UTF-8).
    private mutating func quote(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        defer { bytes.append(UInt8(ascii: "\"")) }
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
    }
}
