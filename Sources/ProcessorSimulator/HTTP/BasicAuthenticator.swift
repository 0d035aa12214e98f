import Foundation
import HTTPTypes
import Hummingbird

/// Checks `Authorization: Basic base64(key:secret)` against the workspace credentials.
struct BasicAuthenticator: Sendable {
    let key: String
    let secret: String

    /// Whether `request` carries the workspace's credentials.
    func isAuthorized(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1])),
            let credentials = String(data: decoded, encoding: .utf8)
        else { return false }
        return credentials == "\(key):\(secret)"
    }
}
