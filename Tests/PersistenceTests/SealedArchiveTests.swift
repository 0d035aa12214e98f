import Foundation
import Persistence
import Testing

/// Results archives sealed at rest a segment at a time: every size round-trips, and a file changed, cut short,
/// extended, moved to another request or sealed with a key not loaded does not open.
@Suite struct SealedArchiveTests {
    static let keys = try! SubjectKeys(current: SubjectKeys.generate())

    /// Seals `size` bytes and returns the plain bytes, the sealed file and a scratch directory.
    static func sealed(_ size: Int, in directory: URL) throws -> (plain: Data, sealed: URL) {
        let plain = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let source = directory.appendingPathComponent("plain-\(size)")
        try plain.write(to: source)
        let sealed = directory.appendingPathComponent("sealed-\(size)")
        try SealedArchive.seal(source, to: sealed, requestID: "request-1", keys: keys)
        return (plain, sealed)
    }

    static func opened(_ sealed: URL, requestID: String = "request-1") throws -> Data {
        let out = sealed.deletingLastPathComponent().appendingPathComponent("opened-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        try SealedArchive.open(sealed, to: out, requestID: requestID)
        return try Data(contentsOf: out)
    }

    static func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sealed-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test(arguments: [0, 1, 65_535, 65_536, 65_537, 200_000])
    func everySizeRoundTrips(size: Int) throws {
        try Self.withDirectory { directory in
            let (plain, sealed) = try Self.sealed(size, in: directory)
            #expect(try Data(contentsOf: sealed).starts(with: Data("dsrgw-archive-v1".utf8)))
            #expect(try Self.opened(sealed) == plain)
            let mode = try FileManager.default.attributesOfItem(atPath: sealed.path)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o777 } == 0o600)
        }
    }

    @Test func anythingButTheSealedFileForItsRequestDoesNotOpen() throws {
        try Self.withDirectory { directory in
            let (_, sealed) = try Self.sealed(150_000, in: directory)
            let bytes = try Data(contentsOf: sealed)
            func refusal(_ changed: Data, requestID: String = "request-1") throws -> SealedArchiveError? {
                let file = directory.appendingPathComponent("changed-\(UUID())")
                try changed.write(to: file)
                do {
                    _ = try Self.opened(file, requestID: requestID)
                    return nil
                } catch let error as SealedArchiveError {
                    return error
                }
            }
            var flipped = bytes
            flipped[70_000] ^= 1
            #expect(try refusal(flipped) == .damaged)
            // Cut at a segment boundary: what is left looks whole, but its last segment was not sealed as the last.
            #expect(try refusal(bytes.prefix(31 + 2 * (65_536 + 16))) == .damaged)
            #expect(try refusal(bytes + Data(repeating: 0, count: 40)) == .damaged)
            #expect(try refusal(bytes, requestID: "request-2") == .damaged)
            var otherKey = bytes
            otherKey.replaceSubrange(16..<24, with: Data("ffffffff".utf8))
            #expect(try refusal(otherKey) == .keyMissing("ffffffff"))
            #expect(try refusal(Data("PK\u{3}\u{4} a plain zip".utf8)) == .notSealed)
        }
    }
}
