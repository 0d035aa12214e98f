import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A generated root → intermediate → leaf chain; the leaf is RSA-2048 (mParticle signs with RSA), the CAs P-256.
///
/// For a self-signed leaf (`CertificateAuthority.makeSelfSignedLeaf`) `root`, `intermediate` and `leaf` are the same
/// certificate and `chainPEM` holds it once.
package struct GeneratedChain: Sendable {
    package let root: Certificate
    package let intermediate: Certificate
    package let leaf: Certificate
    package let leafKey: _RSA.Signing.PrivateKey
    /// Leaf, then intermediate, then root, PEM-concatenated (what the processor serves); duplicates appear once.
    package let chainPEM: String
    /// The root alone, PEM-encoded: what a gateway configures as its trust root.
    package let rootPEM: String

    init(root: Certificate, intermediate: Certificate, leaf: Certificate, leafKey: _RSA.Signing.PrivateKey) throws {
        self.root = root
        self.intermediate = intermediate
        self.leaf = leaf
        self.leafKey = leafKey
        var unique: [Certificate] = []
        for certificate in [leaf, intermediate, root] where !unique.contains(certificate) {
            unique.append(certificate)
        }
        self.chainPEM = try unique.map { try $0.serializeAsPEM().pemString + "\n" }.joined()
        self.rootPEM = try root.serializeAsPEM().pemString + "\n"
    }

    /// Signs `body` with the leaf key exactly as the processor does.
    package var signer: PayloadSigner { PayloadSigner(key: leafKey) }
}
