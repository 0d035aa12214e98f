import Foundation

/// Finds a key given twice in one JSON object. Foundation's decoder silently keeps one of them, so
/// `{"subjectId":"a","subjectId":"b"}` would be accepted as either; the API refuses it instead.
enum DuplicateJSONKeys {
    private enum Container {
        case object(keys: Set<String>, expectingKey: Bool)
        case array
    }

    /// The first repeated key (as decoded, so `"a"` and `"\u0061"` are one key), or nil. Malformed JSON is left to
    /// the decoder: the scan stops without a finding.
    static func first(in bytes: some Collection<UInt8>) -> String? {
        var stack: [Container] = []
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"): stack.append(.object(keys: [], expectingKey: true))
            case UInt8(ascii: "["): stack.append(.array)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
            case UInt8(ascii: ","):
                if case .object(let keys, _) = stack.last {
                    stack[stack.count - 1] = .object(keys: keys, expectingKey: true)
                }
            case UInt8(ascii: "\""):
                var end = bytes.index(after: index)
                var escaped = false
                while end != bytes.endIndex, escaped || bytes[end] != UInt8(ascii: "\"") {
                    escaped = !escaped && bytes[end] == UInt8(ascii: "\\")
                    end = bytes.index(after: end)
                }
                guard end != bytes.endIndex else { return nil }
                if case .object(var keys, true) = stack.last {
                    // Only a key with an escape needs decoding (rare); the rest are their bytes.
                    let quoted = bytes[index...end]
                    let raw = quoted.dropFirst().dropLast()
                    guard
                        let key = raw.contains(UInt8(ascii: "\\"))
                            ? try? JSONDecoder().decode(String.self, from: Data(quoted))
                            : String(decoding: raw, as: UTF8.self)
                    else { return nil }
                    guard keys.insert(key).inserted else { return key }
                    stack[stack.count - 1] = .object(keys: keys, expectingKey: false)
                }
                index = end
            default: break
            }
            index = bytes.index(after: index)
        }
        return nil
    }
}
