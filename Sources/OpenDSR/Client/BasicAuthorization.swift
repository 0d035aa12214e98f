import Foundation

/// The HTTP Basic `Authorization` header value every mParticle API takes (DSR: workspace key; Events: Input key).
func basicAuthorization(key: String, secret: String) -> String {
    "Basic " + Data("\(key):\(secret)".utf8).base64EncodedString()
}
