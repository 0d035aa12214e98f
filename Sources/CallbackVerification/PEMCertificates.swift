import SwiftASN1
import X509

/// Reads every certificate of a PEM bundle (leaf first, as processors serve them).
package enum PEMCertificates {
    /// All `CERTIFICATE` blocks of `pem`, in order; any other block, bad base64 or bad DER is an error.
    package static func parse(_ pem: String) throws(CallbackVerificationError) -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw CallbackVerificationError(.invalidCertificate, "not a valid PEM document: \(error)")
        }
        guard !documents.isEmpty else {
            throw CallbackVerificationError(
                .invalidCertificate,
                "no PEM block found (expected -----BEGIN CERTIFICATE-----)"
            )
        }
        var certificates: [Certificate] = []
        for (index, document) in documents.enumerated() {
            guard document.discriminator == "CERTIFICATE" else {
                throw CallbackVerificationError(
                    .invalidCertificate,
                    "PEM block \(index + 1) is '\(document.discriminator)', not CERTIFICATE"
                )
            }
            do {
                certificates.append(try Certificate(derEncoded: document.derBytes))
            } catch {
                throw CallbackVerificationError(
                    .invalidCertificate,
                    "PEM block \(index + 1) is not an X.509 certificate: \(error)"
                )
            }
        }
        return certificates
    }
}
