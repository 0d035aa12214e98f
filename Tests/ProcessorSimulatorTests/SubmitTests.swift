import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing

@Suite("POST /v3/requests")
struct SubmitTests {
    @Test("missing or wrong Basic credentials get 401 with an mParticle error body")
    func unauthorized() async throws {
        try await SimulatorHarness.run { harness in
            let body = Array(try JSONEncoder().encode(SimulatorHarness.submission()))
            for credentials in [nil, ("sim-key", "wrong"), ("other", "sim-secret")] as [(String, String)?] {
                let answer = try await harness.send(.POST, "v3/requests", body: body, credentials: credentials)
                #expect(answer.status == 401)
                #expect(try answer.decode(ProcessorErrorBody.self).code == 401)
                #expect(answer.header("X-mp-rate-limit-percentage-used") != nil)
            }
            #expect(await harness.simulator.snapshot().requests.isEmpty)
        }
    }

    @Test("201 answer is signed over its exact bytes with the served leaf certificate")
    func signedCreation() async throws {
        try await SimulatorHarness.run { harness in
            let submission = SimulatorHarness.submission()
            let answer = try await harness.submit(submission)
            #expect(answer.status == 201)
            #expect(answer.header("X-OpenDSR-Processor-Domain") == "opendsr.mparticle.com")
            #expect(answer.header("Content-Type") == "application/json")
            let chain = try await ServedChain.fetch(from: harness)
            #expect(chain.verifies(answer.header("X-OpenDSR-Signature"), over: answer.body))
            #expect(!chain.verifies(answer.header("X-OpenDSR-Signature"), over: answer.body + [0x20]))
            let created = try answer.decode(SubmitResponse.self)
            #expect(created.subjectRequestId == submission.subjectRequestId)
            #expect(created.controllerId == "3622")
            #expect(created.receivedTime == "2025-08-26T10:00:00.000Z")
            // Erasure: 7-day waiting period, then "scheduled processing + 48 h".
            #expect(created.expectedCompletionTime == "2025-09-04T10:00:00Z")
            let encoded = try #require(created.encodedRequest.flatMap { Data(base64Encoded: $0) })
            #expect(try JSONDecoder().decode(SubmitRequestBody.self, from: encoded) == submission)
        }
    }

    @Test("skip_waiting_period shortens the waiting period to 12 hours, top level or in extensions")
    func skipWaitingPeriod() async throws {
        try await SimulatorHarness.run { harness in
            var topLevel = SimulatorHarness.submission(customerId: "customer-top")
            topLevel.skipWaitingPeriod = true
            let inExtension = SimulatorHarness.submission(customerId: "customer-ext", skipWaitingPeriod: true)
            for submission in [topLevel, inExtension] {
                let created = try await harness.submit(submission).decode(SubmitResponse.self)
                #expect(created.expectedCompletionTime == "2025-08-28T22:00:00Z")
            }
        }
    }

    @Test("a reused subject_request_id gets 400 'Subject request already exists.'")
    func duplicateId() async throws {
        try await SimulatorHarness.run { harness in
            let first = SimulatorHarness.submission(customerId: "customer-a")
            #expect(try await harness.submit(first).status == 201)
            var reused = SimulatorHarness.submission(customerId: "customer-b")
            reused.subjectRequestId = first.subjectRequestId
            let answer = try await harness.submit(reused)
            #expect(answer.status == 400)
            let error = try answer.decode(ProcessorErrorBody.self)
            #expect(error == ProcessorErrorBody(code: 400, message: ProcessorErrorBody.alreadyExistsMessage))
        }
    }

    @Test("same identities, extensions and type while in progress get 409; other types or extensions do not")
    func inProgressDuplicate() async throws {
        try await SimulatorHarness.run { harness in
            #expect(try await harness.submit(SimulatorHarness.submission()).status == 201)
            let again = try await harness.submit(SimulatorHarness.submission())
            #expect(again.status == 409)
            #expect(try again.decode(ProcessorErrorBody.self).code == 409)
            #expect(try await harness.submit(SimulatorHarness.submission(type: "access")).status == 201)
            #expect(try await harness.submit(SimulatorHarness.submission(skipWaitingPeriod: true)).status == 201)
            // Once the first erasure completes, the same request may be made again.
            await harness.advance(by: 9 * 86_400)
            #expect(try await harness.submit(SimulatorHarness.submission()).status == 201)
        }
    }

    @Test("a group_id holds at most the configured number of requests")
    func groupLimit() async throws {
        try await SimulatorHarness.run(SimulatorHarness.configuration { $0.maxRequestsPerGroup = 2 }) { harness in
            for customer in ["g-1", "g-2"] {
                #expect(
                    try await harness.submit(SimulatorHarness.submission(customerId: customer, groupId: "g")).status
                        == 201)
            }
            let third = try await harness.submit(SimulatorHarness.submission(customerId: "g-3", groupId: "g"))
            #expect(third.status == 400)
            let listed = try await harness.send(.GET, "v3/requests?group_id=g").decode([RequestStatusResponse].self)
            #expect(listed.count == 2)
            #expect(listed.allSatisfy { $0.groupId == "g" && $0.requestStatus == "pending" })
        }
    }

    @Test("invalid bodies get 400 with an mParticle error body", arguments: InvalidBody.allCases)
    func invalidBody(_ rule: InvalidBody) async throws {
        try await SimulatorHarness.run { harness in
            let answer = try await harness.send(.POST, "v3/requests", body: try rule.body())
            #expect(answer.status == 400)
            #expect(try answer.decode(ProcessorErrorBody.self).code == 400)
            #expect(!answer.text.contains("a@b.c"), "error text must not echo identities")
            #expect(await harness.simulator.snapshot().requests.isEmpty)
        }
    }

    @Test("the table's base body is valid, and an mpid alone in extensions is accepted")
    func validBodies() async throws {
        try await SimulatorHarness.run { harness in
            let base = Array(try JSONSerialization.data(withJSONObject: InvalidBody.validJSON()))
            #expect(try await harness.send(.POST, "v3/requests", body: base).status == 201)
            var json = InvalidBody.validJSON()
            json["subject_identities"] = nil
            json["extensions"] = [
                "opendsr.mparticle.com": ["subject_identities": ["mpid": ["value": "42", "encoding": "raw"]]]
            ]
            let body = Array(try JSONSerialization.data(withJSONObject: json))
            #expect(try await harness.send(.POST, "v3/requests", body: body).status == 201)
        }
    }
}
