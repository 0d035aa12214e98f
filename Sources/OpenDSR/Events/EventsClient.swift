import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Client of mParticle's Events API over one shared `HTTPClient`, authenticated as an Input. Every call has a
/// timeout and a response cap, and maps the answer to a ``ProcessorOutcome`` instead of throwing.
package struct EventsClient: Sendable {
    package let configuration: EventsClientConfiguration
    let httpClient: HTTPClient

    package init(httpClient: HTTPClient, configuration: EventsClientConfiguration) {
        self.httpClient = httpClient
        self.configuration = configuration
    }

    /// `POST /events`: 2xx (mParticle answers 202) is `.success`; 400 `.rejected`; 401/403 `.unauthorized`;
    /// 429 `.rateLimited` with `Retry-After`; 5xx, timeouts and connection failures `.unavailable`.
    package func upload(_ batch: EventBatch, logger: Logger) async -> ProcessorOutcome<Void> {
        var request = HTTPClientRequest(url: configuration.baseURL + "/events")
        request.method = .POST
        request.headers.add(name: "Authorization", value: configuration.basicAuthorization)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Content-Type", value: "application/json")
        guard let body = try? batch.jsonBytes() else { return .unavailable(reason: "encoding failed") }
        request.body = .bytes(ByteBuffer(data: body))
        let started = ContinuousClock.now
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(Int64(configuration.timeout)))
            let buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
            logger.debug(
                "events upload",
                metadata: [
                    "events.status": "\(response.status.code)",
                    "duration_ms": "\((ContinuousClock.now - started).milliseconds)",
                ])
            return Self.outcome(status: Int(response.status.code), headers: response.headers, body: buffer)
        } catch {
            return .unavailable(reason: "\(type(of: error))")
        }
    }

    /// Maps the answer (external-apis §2); a 400's message is the first of the optional `errors`.
    static func outcome(status: Int, headers: HTTPHeaders, body: ByteBuffer) -> ProcessorOutcome<Void> {
        guard !(200..<300).contains(status) else { return .success(()) }
        var message = "unexpected status"
        if status == 400 {
            let errors = (try? JSONDecoder().decode(EventsErrorBody.self, from: body))?.errors ?? []
            message = errors.first.map { String($0.message.prefix(200)) } ?? "invalid batch"
        }
        return .failure(status: status, headers: headers, message: message)
    }
}
