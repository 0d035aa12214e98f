import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

extension Request {
    /// Collects the body (at most `maxSize` bytes, by default the context's upload limit) and decodes it as JSON.
    /// Failures surface as `NIOTooManyBytesError` (413), ``APIError`` `invalid_body` or `duplicate_key` (400), or
    /// `DecodingError` (400), which ``ErrorMiddleware`` turns into API errors.
    func decodeJSON<Value: Decodable>(
        as type: Value.Type, context: GatewayRequestContext, upTo maxSize: Int? = nil
    ) async throws -> Value {
        let body = try await collectBody(context: context, upTo: maxSize)
        if let key = DuplicateJSONKeys.first(in: body.readableBytesView) {
            throw APIError(
                .badRequest, code: "duplicate_key", message: "\(key.prefix(64)): is given more than once.")
        }
        return try context.requestDecoder.decode(Value.self, from: body)
    }

    /// The whole body, at most `maxSize` bytes (`NIOTooManyBytesError` past that, a 413). A body that cannot be read
    /// to its end (a malformed chunk, an upload cut off mid-body) is the client's mistake: a 400, never a 500.
    func collectBody(context: GatewayRequestContext, upTo maxSize: Int? = nil) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: maxSize ?? context.maxUploadSize)
        } catch let error as NIOTooManyBytesError {
            throw error
        } catch {
            // The access line records the 400; the cause is for debugging only (anyone can send these).
            context.logger.debug("request body unreadable", metadata: ["error.type": "\(type(of: error))"])
            throw APIError(
                .badRequest, code: "invalid_body", message: "The request body could not be read to its end.")
        }
    }
}
