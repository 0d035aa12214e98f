import CallbackVerification
import Foundation
import SwiftASN1
import X509

/// Loads the trust roots for processor certificate chains.
enum TrustRootsLoader {
    /// Debian's CA bundle (package ca-certificates).
    static let systemBundlePath = "/etc/ssl/certs/ca-certificates.crt"

    static func load(_ roots: CallbackConfiguration.TrustRoots) throws -> [Certificate] {
        switch roots {
        case .pem(let pem):
            return try PEMCertificates.parse(pem)
        case .file(let path):
            return try PEMCertificates.parse(try String(contentsOfFile: path, encoding: .utf8))
        case .system:
            // The system bundle may hold certificates this parser rejects; one bad entry must not drop the rest.
            let bundle = try String(contentsOfFile: systemBundlePath, encoding: .utf8)
            return try PEMDocument.parseMultiple(pemString: bundle).compactMap { try? Certificate(pemDocument: $0) }
        }
    }
}
