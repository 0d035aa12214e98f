import DSRCore
import Foundation

/// Writes a compact JSON object with members in a fixed order.
///
/// Foundation's `JSONEncoder` on Linux writes object members in hash order, which changes from run to run;
/// mParticle writes its bodies in a stable documented order, and callback signatures cover the exact bytes,
/// so the simulator spells its wire bodies member by member. Values are encoded with `JSONEncoder` (sorted
/// keys inside nested objects, unescaped slashes as mParticle writes URLs).
struct OrderedJSONObject {
    private var members: [String] = []

    /// Appends `"key":value`; an absent optional is written as `null`.
    mutating func add(_ key: String, _ value: some Encodable) throws {
        members.append("\(try Self.fragment(key)):\(try Self.fragment(value))")
    }

    /// The object's bytes.
    var bytes: [UInt8] { Array("{\(members.joined(separator: ","))}".utf8) }

    /// Bytes of a JSON array of already-written objects.
    static func array(_ objects: [[UInt8]]) -> [UInt8] {
        Array("[".utf8) + Array(objects.joined(separator: Array(",".utf8))) + Array("]".utf8)
    }

    /// Any `Encodable` as compact, deterministic JSON (sorted keys, unescaped slashes).
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONCoding.encoder()
        return Array(try encoder.encode(value))
    }

    private static func fragment(_ value: some Encodable) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }
}
