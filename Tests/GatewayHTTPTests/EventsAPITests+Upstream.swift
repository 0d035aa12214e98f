import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OpenDSR
import Testing

/// An mParticle answer the simulator does not give on `/v2/events` (it validates exactly as the gateway does).
struct UpstreamAnswer: Sendable, CustomTestStringConvertible {
    var status: HTTPResponse.Status
    var retryAfter: String?
    var expectedStatus: HTTPResponse.Status
    var expectedCode: String

    var testDescription: String { "upstream \(status.code) → \(expectedStatus.code) \(expectedCode)" }

    static let all: [UpstreamAnswer] = [
        .init(status: .badRequest, expectedStatus: .badGateway, expectedCode: "upstream_rejected"),
        .init(
            status: .tooManyRequests, retryAfter: "7", expectedStatus: .serviceUnavailable,
            expectedCode: "events_unavailable"),
        .init(status: .tooManyRequests, expectedStatus: .serviceUnavailable, expectedCode: "events_unavailable"),
        .init(status: .unauthorized, expectedStatus: .serviceUnavailable, expectedCode: "events_unavailable"),
        .init(status: .notFound, expectedStatus: .serviceUnavailable, expectedCode: "events_unavailable"),
    ]
}

extension EventsAPITests {
    @Test(arguments: UpstreamAnswer.all)
    func upstreamAnswerIsMappedWithItsRetryAfter(_ answer: UpstreamAnswer) async throws {
        let upstream = Router()
        upstream.post("v2/events") { _, _ in
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter = answer.retryAfter { headers[.retryAfter] = retryAfter }
            let body = #"{"errors":[{"code":"BAD_REQUEST","message":"Required event field is missing."}]}"#
            return Response(status: answer.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let stub = Application(router: upstream, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await stub.test(.live) { stubClient in
            let port = try #require(stubClient.port)
            try await EventsRouterHarness.with(upstream: "http://127.0.0.1:\(port)/v2") { client in
                let response = try await client.postEvents(try Self.erasure.jsonBytes())
                #expect(response.status == answer.expectedStatus)
                let error = try APIErrorBody(response)
                #expect(error.code == answer.expectedCode)
                #expect(!error.message.contains("Required event field"))
                #expect(response.headers[.retryAfter] == answer.retryAfter)
            }
        }
    }
}
