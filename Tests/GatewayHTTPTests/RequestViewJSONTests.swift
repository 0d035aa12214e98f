import DSRCore
import Foundation
import GatewayHTTP
import Hummingbird
import HummingbirdTesting
import Testing

/// The status body is written by hand (``JSONWriter``), not by `JSONEncoder`: it must still be the JSON the API
/// documents: every field present with its value, absent when nil, keys sorted, and any text escaped so that it reads
/// back exactly.
@Suite struct RequestViewJSONTests {
    /// Text with everything that needs escaping, and some that must not be (slashes, non-ASCII).
    private static let awkward = "a \"quoted\" \\ path/to/x\n\t\r\u{8}\u{C}\u{1}\u{1F} é 😀"

    private func body(of view: RequestView) async throws -> (text: String, json: [String: Any]) {
        let router = Router()
        router.get("/") { _, _ in view }
        let app = Application(router: router)
        return try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let text = String(buffer: response.body)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                return (text, json)
            }
        }
    }

    @Test func everyFieldIsWrittenAndReadsBackExactly() async throws {
        let at = Date(timeIntervalSince1970: 1_756_202_400.123)
        var request = DSRRequest(
            id: UUID(uuidString: "0b9c3a4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e")!, regulation: .gdpr, type: .access,
            subject: SubjectIdentity(customerId: Self.awkward, email: "x@example.com"), source: .api, receivedAt: at,
            deadline: at.addingTimeInterval(86_400))
        request.processor = ProcessorFields(
            controllerId: "3622", expectedCompletionTime: at, resultsURL: "https://r", receivedTime: at,
            follows: UUID(uuidString: "1b9c3a4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"))
        request.lastError = Self.awkward
        request.principal = "ops"
        request.resolution = Resolution(outcome: .refused, reason: Self.awkward, at: at, principal: "lead")
        request.deadlineExtension = DeadlineExtension(
            reason: "complex", at: at, principal: nil, previousDeadline: at)
        request.attempts = 3
        let trail = [
            AuditEntry(at: at, actor: .operator_, event: .received, toState: .queued, detail: Self.awkward),
            AuditEntry(at: at, actor: .callback, event: .deadlineExtended, fromState: .queued, evidence: "ab12"),
        ]
        let (text, json) = try await body(of: RequestView(request, audit: trail))

        let stamp = Timestamp.format(at)
        #expect(json["id"] as? String == "0b9c3a4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e")
        #expect(json["attempts"] as? Int == 3)
        #expect(json["lastError"] as? String == Self.awkward)
        #expect((json["subject"] as? [String: String]) == ["customerId": Self.awkward, "email": "x@example.com"])
        #expect(json["receivedAt"] as? String == stamp)
        #expect(json["regulation"] as? String == "gdpr")
        #expect(json["type"] as? String == "access")
        #expect(json["state"] as? String == "queued")
        #expect(json["nextAttemptAt"] as? String == stamp)
        let processor = try #require(json["processor"] as? [String: Any])
        #expect(processor["controllerId"] as? String == "3622")
        #expect(processor["resultsAvailable"] as? Bool == true)
        #expect(processor["follows"] as? String == "1b9c3a4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e")
        #expect(processor["receivedTime"] as? String == stamp)
        let resolution = try #require(json["resolution"] as? [String: String])
        #expect(resolution == ["at": stamp, "outcome": "refused", "reason": Self.awkward, "principal": "lead"])
        #expect(
            json["deadlineExtension"] as? [String: String] == [
                "at": stamp, "previousDeadline": stamp, "reason": "complex",
            ])
        let audit = try #require(json["audit"] as? [[String: String]])
        #expect(
            audit == [
                ["at": stamp, "actor": "operator", "event": "received", "toState": "queued", "detail": Self.awkward],
                [
                    "at": stamp, "actor": "callback", "event": "deadline_extended", "fromState": "queued",
                    "evidence": "ab12",
                ],
            ])
        // Nil fields are left out, not null.
        for absent in ["resultLocation", "resultsStatus", "subjectErasedAt"] {
            #expect(json[absent] == nil, "\(absent)")
        }
        #expect(!text.contains("null"))
        // Slashes and non-ASCII stay as they are; keys come sorted, as JSONCoding's encoder writes them.
        #expect(text.contains("path/to/x") && text.contains("é 😀"))
        let keys = [
            "attempts", "audit", "deadline", "deadlineExtension", "id", "lastError", "nextAttemptAt", "principal",
            "processor", "receivedAt", "regulation", "resolution", "source", "state", "subject", "type", "updatedAt",
        ]
        let offsets = keys.compactMap { text.firstRange(of: "\"\($0)\":")?.lowerBound }
        #expect(offsets.count == keys.count)
        #expect(offsets == offsets.sorted())
    }
}
