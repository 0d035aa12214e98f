import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Operations

/// Authenticates `Authorization: Bearer <key>` — or HTTP Basic with the key as password, so a browser can open the
/// dashboard — against the configured keys' SHA-256 hashes, comparing in constant time. A missing or wrong key is
/// answered 401 (with a `WWW-Authenticate` challenge) and leaves nothing in the store. Each key has a rate
/// (`http.rate_limit_per_key`): past it, 429 with `Retry-After`, so one busy client cannot starve the others.
package struct APIKeyMiddleware: RouterMiddleware {
    package typealias Context = GatewayRequestContext
    private let keys: [APIKey]
    private let rates: TokenBuckets
    private let metrics: GatewayMetrics

    package init(keys: [APIKey], requestsPerSecond: Double, metrics: GatewayMetrics) {
        self.keys = keys
        self.rates = TokenBuckets(perSecond: requestsPerSecond, burst: 2 * requestsPerSecond)
        self.metrics = metrics
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let secret = request.headers[.authorization].flatMap(Self.presentedKey) else {
            return try Self.challenge(request, context)
        }
        let presented = Array(SHA256.hash(data: Data(secret.utf8)))
        var matched: APIKey?
        for key in keys where Self.constantTimeEquals(key.sha256, presented) {
            matched = key
        }
        guard let matched else { return try Self.challenge(request, context) }
        if let wait = rates.take(matched.name) {
            metrics.rateLimited("api_key")
            throw APIError.rateLimited(retryAfter: wait)
        }
        var context = context
        context.apiKey = matched
        context.logger[metadataKey: "api_key"] = "\(matched.name)"
        return try await next(request, context)
    }

    /// The key from `Bearer <key>` or `Basic base64(<any name>:<key>)`.
    static func presentedKey(_ header: String) -> String? {
        let lowered = header.lowercased()
        if lowered.hasPrefix("bearer ") { return String(header.dropFirst("bearer ".count)) }
        guard lowered.hasPrefix("basic "), let decoded = Data(base64Encoded: String(header.dropFirst("basic ".count))),
            let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else { return nil }
        return String(pair[pair.index(after: colon)...])
    }

    /// 401 with the error body and a challenge a browser answers with a sign-in prompt.
    private static func challenge(_ request: Request, _ context: Context) throws -> Response {
        var response = try APIError.unauthorized.response(from: request, context: context)
        response.headers[.wwwAuthenticate] = #"Basic realm="dsr-gateway", charset="UTF-8""#
        return response
    }

    private static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
