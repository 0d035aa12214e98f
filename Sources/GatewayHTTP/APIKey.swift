import Crypto
import DSRCore
import Foundation

/// What an API key may do.
package enum APIScope: String, Codable, Sendable, CaseIterable {
    /// Read requests and their audit trails: only those the key submitted, unless it also has ``readAll``.
    case read = "requests:read"
    /// Read (and, with ``write``, cancel) every client's requests, not only the key's own.
    case readAll = "requests:read:all"
    /// Submit and cancel requests (only the key's own, unless it also has ``readAll``).
    case write = "requests:write"
    /// Call the Baton endpoint.
    case baton
    /// Upload event batches to mParticle's Events API (`POST /events`).
    case events = "events:write"
    /// Resolve or extend any request (`POST /data-subject-requests/{id}/resolution` and `…/extension`).
    case admin = "requests:admin"
    /// Approve or deny requests held for approval (`approval.required`), never one the key submitted itself.
    case approve = "requests:approve"
    /// The operations dashboard and `/alerts`, which show no subject or request.
    case operations = "operations:read"
}

/// A configured API key. Only the SHA-256 of the secret is kept, never the secret.
package struct APIKey: Sendable, Equatable {
    /// A label for logs (e.g. "support-tool"); not secret.
    package var name: String
    package var sha256: [UInt8]
    package var scopes: Set<APIScope>

    package init(name: String, sha256: [UInt8], scopes: Set<APIScope>) {
        self.name = name
        self.sha256 = sha256
        self.scopes = scopes
    }

    /// A key from its SHA-256 in hex (what the configuration holds).
    package init?(name: String, sha256Hex: String, scopes: Set<APIScope>) {
        guard let digest = Self.bytes(hex: sha256Hex), digest.count == 32 else { return nil }
        self.init(name: name, sha256: digest, scopes: scopes)
    }

    /// The hex SHA-256 of a secret, for putting a new key in the configuration.
    package static func hash(secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexString
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let characters = Array(hex.lowercased().utf8)
        guard characters.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            result.append(byte)
        }
        return result
    }
}
