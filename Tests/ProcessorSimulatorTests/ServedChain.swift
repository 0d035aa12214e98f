import Foundation
import NIOHTTP1
import OpenDSR
import SwiftASN1
import X509

/// The processor chain as a gateway would get it: `/v3/discovery` → `processor_certificate` → PEM (no auth).
struct ServedChain {
    let certificates: [Certificate]

    var leaf: Certificate { certificates[0] }

    static func fetch(from harness: SimulatorHarness) async throws -> ServedChain {
        let discovery = try await harness.send(.GET, "v3/discovery").decode(DiscoveryResponse.self)
        let pem = try await HTTPResult.send(.GET, discovery.processorCertificate)
        let documents = try PEMDocument.parseMultiple(pemString: pem.text)
        return ServedChain(certificates: try documents.map { try Certificate(pemDocument: $0) })
    }

    /// Whether `signature` (the base64 header value) is the leaf's RSA PKCS#1 v1.5 SHA-256 signature of `body`.
    func verifies(_ signature: String?, over body: [UInt8]) -> Bool {
        guard let signature, let bytes = Data(base64Encoded: signature) else { return false }
        return leaf.publicKey.isValidSignature(bytes, for: body, signatureAlgorithm: .sha256WithRSAEncryption)
    }
}
