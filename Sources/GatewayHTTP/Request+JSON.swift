import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension Request {
    /// Collects the body (at most `maxSize` bytes, by default the context's upload limit) and decodes it as JSON.
    /// Failures surface as `NIOTooManyBytesError` (413) or `DecodingError` (400), which ``ErrorMiddleware`` turns
    /// into API errors.
    func decodeJSON<Value: Decodable>(
        as type: Value.Type, context: GatewayRequestContext, upTo maxSize: Int? = nil
    ) async throws -> Value {
        let buffer = try await body.collect(upTo: maxSize ?? context.maxUploadSize)
        return try context.requestDecoder.decode(Value.self, from: buffer)
    }
}
