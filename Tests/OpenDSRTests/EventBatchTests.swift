import DSRCore
import Foundation
import OpenDSR
import Testing

/// The Events API wire model: Guardian's erasure batch, round-tripping loosely typed JSON, and the limits.
@Suite struct EventBatchTests {
    /// 2026-01-06T09:00:00.250Z.
    static let submittedAt = Date(timeIntervalSince1970: 1_767_690_000.25)

    @Test(arguments: EventBatch.Environment.allCases)
    func erasureBatchHasExactlyGuardiansFields(_ environment: EventBatch.Environment) throws {
        let batch = EventBatch.erasureRequested(
            customerId: "customer-42", submittedAt: Self.submittedAt, environment: environment)
        let expected =
            #"{"environment":"\#(environment.rawValue)","user_attributes":{"dsr_erasure_date":"2026-01-06T09:00:00.250Z","#
            + #""dsr_erasure_requested":true,"dsr_erasure_status":"requested"},"#
            + #""user_identities":{"customer_id":"customer-42"}}"#
        #expect(String(decoding: try batch.jsonBytes(), as: UTF8.self) == expected)
        try EventBatchLimits.validate(batch)
    }

    @Test func everyFieldRoundTrips() throws {
        let json = #"""
            {"events":[{"data":{"event_name":"play","custom_attributes":{"n":12345678901234567,"r":1.5,"b":false,
            "z":null,"l":["a",2]}},"event_type":"custom_event"}],"device_info":{"ios_idfv":"x"},
            "application_info":{"application_name":"app"},"user_attributes":{"tier":"gold","tags":["a","b"],"age":3},
            "deleted_user_attributes":["old"],"user_identities":{"customer_id":"c-1","email":"a@example.com"},
            "partner_identities":{"p":"1"},"integration_attributes":{"1":{"k":"v"}},"schema_version":2,
            "environment":"development","context":{"data_plan":{"plan_id":"p"}},"source_request_id":"req-1",
            "mpid":-8433569688821282713,"ip":"192.0.2.1"}
            """#
        let batch = try JSONDecoder().decode(EventBatch.self, from: Data(json.utf8))
        #expect(batch.mpid == -8_433_569_688_821_282_713)
        #expect(
            batch.events?.first?.data?["custom_attributes"]
                == .object([
                    "n": .integer(12_345_678_901_234_567), "r": .number(1.5), "b": .bool(false), "z": .null,
                    "l": .array([.string("a"), .integer(2)]),
                ]))
        let reencoded = try JSONDecoder().decode(EventBatch.self, from: try batch.jsonBytes())
        #expect(reencoded == batch)
        #expect(try Self.canonical(try batch.jsonBytes()) == Self.canonical(Data(json.utf8)))
    }

    /// `data` parsed and written again with sorted keys, so two documents with the same content compare equal.
    static func canonical(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data)
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test(arguments: BrokenBatch.all)
    func brokenLimitNamesTheFieldWithoutItsValue(_ broken: BrokenBatch) {
        let error = #expect(throws: EventBatchError.self) { try EventBatchLimits.validate(broken.batch) }
        #expect(error?.code == broken.code)
        #expect(error?.field == broken.field)
        #expect(error.map { !$0.message.contains("vvvv") && !$0.message.contains("staging") } == true)
    }

    @Test func limitsAreInclusive() throws {
        let hundred = Dictionary(uniqueKeysWithValues: (0..<100).map { ("a\($0)", JSONValue.bool(true)) })
        try EventBatchLimits.validate(EventBatch(userAttributes: hundred))
        let longest: [String: JSONValue] = [
            String(repeating: "n", count: 256): .string(String(repeating: "v", count: 4096))
        ]
        try EventBatchLimits.validate(EventBatch(userAttributes: longest))
    }
}

/// A batch breaking one limit, and the error it must give.
struct BrokenBatch: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var batch: EventBatch
    var code: EventBatchError.Code
    var field: String

    static let all: [BrokenBatch] = [
        .init(
            testDescription: "environment", batch: EventBatch(environment: "staging"), code: .invalidField,
            field: "environment"),
        .init(
            testDescription: "101 attributes",
            batch: EventBatch(
                userAttributes: Dictionary(uniqueKeysWithValues: (0...100).map { ("a\($0)", .bool(true)) })),
            code: .invalidBatch, field: "user_attributes"),
        .init(
            testDescription: "name of 257 characters",
            batch: EventBatch(userAttributes: [String(repeating: "n", count: 257): .bool(true)]), code: .invalidField,
            field: "user_attributes"),
        .init(
            testDescription: "value of 4097 characters",
            batch: EventBatch(userAttributes: ["bio": .string(String(repeating: "v", count: 4097))]),
            code: .invalidField, field: "user_attributes.bio"),
        .init(
            testDescription: "list entry of 4097 characters",
            batch: EventBatch(userAttributes: ["tags": .array([.string(String(repeating: "v", count: 4097))])]),
            code: .invalidField, field: "user_attributes.tags"),
        .init(
            testDescription: "deleted attribute name of 257 characters",
            batch: EventBatch(deletedUserAttributes: [String(repeating: "n", count: 257)]), code: .invalidField,
            field: "deleted_user_attributes"),
        .init(
            testDescription: "empty event type", batch: EventBatch(events: [.init(eventType: "")]), code: .invalidField,
            field: "events[0].event_type"),
        .init(
            testDescription: "batch over 128 KB",
            batch: EventBatch(
                events: Array(
                    repeating: .init(
                        eventType: "custom_event", data: ["s": .string(String(repeating: "v", count: 4000))]), count: 40
                )),
            code: .invalidBatch, field: "batch"),
    ]
}
