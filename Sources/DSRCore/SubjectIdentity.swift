import Crypto
import Foundation

/// The data subject's identity. Its description is redacted so it can never reach a log by accident.
package struct SubjectIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The controller's customer id (OpenDSR `controller_customer_id`).
    package var customerId: String
    /// Optional email address (OpenDSR `email`).
    package var email: String?

    package init(customerId: String, email: String? = nil) {
        self.customerId = customerId
        self.email = email
    }

    /// A short, stable, non-reversible token for correlating log lines about one subject.
    package var fingerprint: String {
        let digest = SHA256.hash(data: Data(customerId.utf8))
        return digest.prefix(6).hexString
    }

    package var description: String { "subject(\(fingerprint))" }
}
