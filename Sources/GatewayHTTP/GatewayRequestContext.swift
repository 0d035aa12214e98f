import DSRCore
import Foundation
import Hummingbird
import NIOCore

/// Per-request context: the core Hummingbird storage plus the authenticated API key, if any.
package struct GatewayRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by ``APIKeyMiddleware`` once the bearer token matched a configured key.
    package var apiKey: APIKey?
    /// The connection's peer (not a forwarded address).
    package let remoteAddress: SocketAddress?
    /// The client's IP address, for logs and limits by sender: the peer's, or the one a trusted proxy forwarded (set
    /// by ``RequestObservationMiddleware``).
    package var clientAddress = "unknown"

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        apiKey = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies larger than this are refused with 413 (the API takes small JSON documents; only `POST /events`
    /// reads up to `EventBatchLimits.maxRequestBytes`).
    package var maxUploadSize: Int { 64 * 1024 }

    package var requestDecoder: JSONDecoder { JSONCoding.decoder() }

    package var responseEncoder: JSONEncoder { JSONCoding.encoder() }

    /// The key's name when it may see only the requests it submitted; nil when it sees every client's
    /// (``APIScope/readAll``).
    package var ownRequestsOnly: String? {
        guard let apiKey, !apiKey.scopes.contains(.readAll) else { return nil }
        return apiKey.name
    }

    /// Whether the key may see (and, with the write scope, cancel) `request`. One it may not is answered as unknown, so
    /// a key cannot even learn that another client's request exists.
    package func maySee(_ request: DSRRequest) -> Bool {
        ownRequestsOnly.map { $0 == request.principal } ?? true
    }

    /// Throws 403 unless the authenticated key has `scope`.
    package func require(_ scope: APIScope) throws {
        guard let apiKey else { throw APIError.unauthorized }
        guard apiKey.scopes.contains(scope) else {
            throw APIError(
                .forbidden, code: "insufficient_scope", message: "This API key lacks the '\(scope.rawValue)' scope.")
        }
    }
}
