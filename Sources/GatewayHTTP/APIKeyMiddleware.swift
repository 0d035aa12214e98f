import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Authenticates `Authorization: Bearer <key>` against the configured keys' SHA-256 hashes, comparing in
/// constant time. A missing or wrong key is answered 401 and leaves nothing in the store.
package struct APIKeyMiddleware: RouterMiddleware {
    package typealias Context = GatewayRequestContext
    private let keys: [APIKey]

    package init(keys: [APIKey]) {
        self.keys = keys
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized
        }
        let presented = Array(SHA256.hash(data: Data(header.dropFirst("bearer ".count).utf8)))
        var matched: APIKey?
        for key in keys where Self.constantTimeEquals(key.sha256, presented) {
            matched = key
        }
        guard let matched else { throw APIError.unauthorized }
        var context = context
        context.apiKey = matched
        context.logger[metadataKey: "api_key"] = "\(matched.name)"
        return try await next(request, context)
    }

    private static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
