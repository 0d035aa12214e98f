import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OpenDSR
import ProcessorSimulator

/// The gateway's routes as the benchmark calls them: one HTTP request per operation, true when answered as expected.
struct BenchTarget: Sendable {
    let baseURL: String
    let apiKey: String
    let httpClient: HTTPClient
    let signer: PayloadSigner
    let domain: String

    /// A processor callback for `id`, signed like mParticle's.
    struct SignedCallback: Sendable {
        var id: String
        var body: ByteBuffer
        var signature: String
    }

    func submit(id: String, subject: String) async -> Bool {
        let body = #"{"id":"\#(id)","regulation":"gdpr","type":"erasure","subjectId":"\#(subject)"}"#
        return await send(.POST, "/data-subject-requests", body: ByteBuffer(string: body), expect: 202)
    }

    func read(id: String) async -> Bool {
        await send(.GET, "/data-subject-requests/\(id)", body: nil, expect: 200)
    }

    func deliver(_ callback: SignedCallback) async -> Bool {
        await send(
            .POST, "/data-subject-requests/\(callback.id)/callback", body: callback.body, expect: 202,
            headers: [
                (OpenDSRHeaders.processorDomain, domain), (OpenDSRHeaders.signature, callback.signature),
            ])
    }

    /// The `/metrics` exposition as a scraper reads it.
    func metrics() async throws -> String {
        let response = try await httpClient.execute(HTTPClientRequest(url: baseURL + "/metrics"), timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 16 << 20))
    }

    /// A `pending` callback for a request the gateway holds (the first one moves it, the rest change nothing but are
    /// verified and answered all the same).
    func signedCallback(id: String) throws -> SignedCallback {
        let body =
            #"{"controller_id":"3622","expected_completion_time":null,"# + #""status_callback_url":""#
            + "\(baseURL)/data-subject-requests/\(id)/callback"
            + #"","subject_request_id":"\#(id)","request_status":"pending","results_url":null,"extensions":null}"#
        let bytes = Array(body.utf8)
        return SignedCallback(id: id, body: ByteBuffer(bytes: bytes), signature: try signer.signature(for: bytes))
    }

    private func send(
        _ method: HTTPMethod, _ path: String, body: ByteBuffer?, expect status: UInt, headers: [(String, String)] = []
    ) async -> Bool {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if headers.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        guard let response = try? await httpClient.execute(request, timeout: .seconds(30)) else { return false }
        guard (try? await response.body.collect(upTo: 1 << 20)) != nil else { return false }
        return response.status.code == status
    }
}
