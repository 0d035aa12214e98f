import Foundation
import Logging
import Operations
import Synchronization
import Testing

/// Log lines as CloudWatch and `jq` read them: one JSON object a line, keys in order, numbers as numbers.
@Suite struct JSONLogHandlerTests {
    private func line(_ message: Logger.Message, _ metadata: Logger.Metadata) throws -> (String, [String: Any]) {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "dsr-gateway", write: { line in lines.withLock { $0.append(line) } })
        handler.metadata = ["instance": "a"]
        Logger(label: "dsr-gateway") { _ in handler }.warning(message, metadata: metadata)
        let text = try #require(lines.withLock { $0.first })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return (text, object)
    }

    @Test func everyFieldIsValidJSONWithNumbersKeptAsNumbers() throws {
        let (_, object) = try line(
            "certificate validation failed",
            [
                "status": .stringConvertible(503), "duration": .stringConvertible(12.5),
                "attempts": .stringConvertible(Int64(3)), "nested": ["b": "2", "a": ["x", .stringConvertible(1)]],
            ])
        #expect(object["level"] as? String == "WARNING")
        #expect(object["message"] as? String == "certificate validation failed")
        #expect(object["label"] as? String == "dsr-gateway")
        #expect(object["instance"] as? String == "a")
        #expect(object["status"] as? Int == 503)
        #expect(object["duration"] as? Double == 12.5)
        #expect(object["attempts"] as? Int == 3)
        let nested = try #require(object["nested"] as? [String: Any])
        #expect(nested["b"] as? String == "2")
        #expect((nested["a"] as? [Any])?.count == 2)
        let timestamp = try #require(object["timestamp"] as? String)
        #expect(timestamp.hasSuffix("Z") && timestamp.count == 24)
    }

    @Test func keysAreInOrderAndStringsEscaped() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{7} é ✓"
        let (text, object) = try line("m", ["zeta": .string(tricky), "alpha": "1"])
        #expect(object["zeta"] as? String == tricky)
        #expect(!text.contains("\n"))
        let keys = ["alpha", "instance", "label", "level", "message", "timestamp", "zeta"]
        let positions = keys.map { text.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }
}
