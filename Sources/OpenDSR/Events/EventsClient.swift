import AsyncHTTPClient
import DSRCore
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
    let clock: any WallClock

    package init(httpClient: HTTPClient, configuration: EventsClientConfiguration, clock: any WallClock) {
        self.httpClient = httpClient
        self.configuration = configuration
        self.clock = clock
    }

    /// `POST /events`: 2xx (mParticle answers 202) is `.success`; 400 `.rejected`; 401/403 `.unauthorized`;
    /// 429 `.rateLimited` with `Retry-After`; 5xx, timeouts and connection failures `.unavailable`.
    package func upload(_ batch: EventBatch, logger: Logger) async -> ProcessorOutcome<Void> {
        guard let body = try? batch.jsonBytes() else { return .unavailable(reason: "encoding failed") }
        let exchange = await httpClient.jsonExchange(
            .POST, url: configuration.baseURL + "/events", authorization: configuration.basicAuthorization,
            body: Data(body), timeout: configuration.timeout, maxBytes: configuration.maxResponseBytes, api: "events",
            logger: logger)
        switch exchange {
        case .answered(let status, let headers, _):
            return Self.outcome(status: status, headers: headers, now: clock.now, logger: logger)
        case .failed(let reason): return .unavailable(reason: reason)
        }
    }

    /// Maps the answer (docs/upstream-apis.md, "Events API"); the body is not read: a 400's free text may quote
    /// identity values, so it is not kept.
    static func outcome(status: Int, headers: HTTPHeaders, now: Date, logger: Logger) -> ProcessorOutcome<Void> {
        guard !(200..<300).contains(status) else { return .success(()) }
        let message = status == 400 ? "mParticle refused the batch as invalid" : "unexpected status"
        return .failure(status: status, headers: headers, message: message, now: now, logger: logger)
    }
}
