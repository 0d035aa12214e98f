import Foundation
import _CryptoExtras

/// Signs raw body bytes exactly as mParticle does: RSASSA-PKCS1-v1_5 SHA-256, base64, one line.
package struct PayloadSigner: Sendable {
    private let key: _RSA.Signing.PrivateKey

    package init(key: _RSA.Signing.PrivateKey) {
        self.key = key
    }

    /// The `X-OpenDSR-Signature` header value for `body`.
    package func signature(for body: [UInt8]) throws -> String {
        // _RSA defaults to PSS; mParticle uses PKCS#1 v1.5.
        let signature = try key.signature(for: body, padding: .insecurePKCS1v1_5)
        return signature.rawRepresentation.base64EncodedString()
    }
}
