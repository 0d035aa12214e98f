import Crypto
import Foundation
import SwiftASN1
import X509

/// Certificate fingerprints as operators compare them (`openssl x509 -noout -fingerprint -sha256`).
package enum CertificateFingerprint {
    /// SHA-256 of the certificate's DER, as colon-separated uppercase hex.
    package static func sha256(of certificate: Certificate) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }.joined(separator: ":")
    }
}
