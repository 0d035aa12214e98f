import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenDSR

/// Builds JSON answers; signed ones carry `X-OpenDSR-Processor-Domain` and `X-OpenDSR-Signature` over the exact
/// body bytes, as mParticle's 201 does.
struct WireResponder: Sendable {
    let identity: ProcessorIdentity
    let domain: String

    /// A JSON answer with `bytes` as its body.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// A JSON answer encoding `value` deterministically (sorted keys).
    static func json(encoding value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(try OrderedJSONObject.encode(value), status: status)
    }

    /// A JSON answer with `bytes` as its body, signed with the current leaf key.
    func signed(_ bytes: [UInt8], status: HTTPResponse.Status) throws -> Response {
        var response = Self.json(bytes, status: status)
        response.headers[HTTPField.Name(OpenDSRHeaders.processorDomain)!] = domain
        response.headers[HTTPField.Name(OpenDSRHeaders.signature)!] = try identity.signature(for: bytes)
        return response
    }
}
