import DSRCore

/// The canonical JSON the audit log hashes: one line, `{"v":<version>,` then string members in the order given
/// (alphabetical by convention), absent ones left out, strings escaped minimally (quotes, backslashes, control
/// characters) so the same fields always give the same bytes.
enum CanonicalJSON {
    static func line(version: Int, _ fields: [(String, String?)]) -> [UInt8] {
        let members = fields.compactMap { name, value in value.map { "\(quoted(name)):\(quoted($0))" } }
        return Array(("{\"v\":\(version)," + members.joined(separator: ",") + "}").utf8)
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as it is.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + [UInt8(scalar.value)].hexString
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
