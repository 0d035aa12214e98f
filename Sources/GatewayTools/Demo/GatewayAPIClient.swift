import AsyncHTTPClient
import DSRCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

/// A small client of the gateway's own HTTP API (demo and tests): JSON in, JSON out, bearer key.
package struct GatewayAPIClient: Sendable {
    package let baseURL: String
    package let apiKey: String
    private let httpClient: HTTPClient

    package init(baseURL: String, apiKey: String, httpClient: HTTPClient) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.httpClient = httpClient
    }

    /// A decoded answer: the status code and the JSON object (or nil when the body is not an object).
    package struct Answer: Sendable {
        package var status: Int
        package var body: Data
        /// The `Retry-After` header, if any.
        package var retryAfter: String?

        package init(status: Int, body: Data, retryAfter: String? = nil) {
            self.status = status
            self.body = body
            self.retryAfter = retryAfter
        }

        package var json: [String: any Sendable]? {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: any Sendable]
        }
    }

    package func send(_ method: HTTPMethod, _ path: String, json: [String: String]? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await httpClient.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        return Answer(
            status: Int(response.status.code), body: Data(buffer: body),
            retryAfter: response.headers.first(name: "Retry-After"))
    }

    /// Decodes a request as the API returns it.
    /// Submits a request and returns its id, failing unless the gateway answered 202.
    package func submitted(id: String? = nil, regulation: String, type: String, subjectId: String) async throws
        -> String
    {
        var body = ["regulation": regulation, "type": type, "subjectId": subjectId]
        if let id { body["id"] = id }
        let answer = try await send(.POST, "/data-subject-requests", json: body)
        guard answer.status == 202, let id = answer.json?["id"] as? String else {
            throw GatewayAPIClientError(status: answer.status)
        }
        return id
    }

    package func request(_ id: String) async throws -> RequestSnapshot {
        let answer = try await send(.GET, "/data-subject-requests/\(id)")
        guard answer.status == 200 else { throw GatewayAPIClientError(status: answer.status) }
        return try RequestSnapshot.decoder.decode(RequestSnapshot.self, from: answer.body)
    }
}

/// A non-success answer from the gateway API.
package struct GatewayAPIClientError: Error, CustomStringConvertible {
    package var status: Int

    package init(status: Int) {
        self.status = status
    }

    package var description: String { "gateway answered \(status)" }
}

/// The fields of a request (and its audit trail) that the demo and tests read.
package struct RequestSnapshot: Decodable, Sendable {
    package var id: String
    package var type: String
    package var regulation: String
    package var state: String
    package var receivedAt: Date
    package var deadline: Date
    package var resultLocation: String?
    package var resultsStatus: String?
    package var lastError: String?
    /// While queued, the next delivery attempt.
    package var nextAttemptAt: Date?
    package var audit: [Entry]

    /// One audit entry.
    package struct Entry: Decodable, Sendable {
        package var at: Date
        package var actor: String
        package var event: String
        package var fromState: String?
        package var toState: String?
        package var detail: String?
    }

    static let decoder = JSONCoding.decoder()
}
