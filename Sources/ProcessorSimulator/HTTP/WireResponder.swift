import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenDSR

/// Encodes answers the way mParticle writes them: compact JSON with unescaped slashes, optionally signed
/// with `X-OpenDSR-Processor-Domain` and `X-OpenDSR-Signature` over the exact body bytes.
struct WireResponder: Sendable {
    let identity: ProcessorIdentity
    let domain: String

    /// The JSON encoding every simulator body and callback uses.
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// A plain JSON answer.
    static func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let bytes = try encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// A JSON answer carrying the processor's domain and signature headers.
    func signedJSON(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let bytes = try Self.encode(value)
        return Response(
            status: status,
            headers: [
                .contentType: "application/json",
                HTTPField.Name(OpenDSRHeaders.processorDomain)!: domain,
                HTTPField.Name(OpenDSRHeaders.signature)!: try identity.signature(for: bytes),
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
