import Foundation

/// How to reach mParticle's Events API with an Input's credentials, which are separate from the workspace
/// credentials of the DSR API (docs/upstream-apis.md, "Events API").
package struct EventsClientConfiguration: Sendable {
    /// Base URL of the pod including the version, e.g. `https://s2s.eu1.mparticle.com/v2`
    ///.
    package var baseURL: String
    /// The Input's API key for HTTP Basic auth.
    package var inputKey: String
    /// The Input's API secret for HTTP Basic auth.
    package var inputSecret: String
    /// Per-call timeout in seconds.
    package var timeout: TimeInterval
    /// Largest response body read, in bytes (default 64 KiB; mParticle answers with a short error list at most).
    package var maxResponseBytes: Int

    package init(
        baseURL: String = "https://s2s.mparticle.com/v2", inputKey: String, inputSecret: String,
        timeout: TimeInterval = 10, maxResponseBytes: Int = 64 * 1024
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.inputKey = inputKey
        self.inputSecret = inputSecret
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// The `Authorization` header value.
    var basicAuthorization: String {
        OpenDSR.basicAuthorization(key: inputKey, secret: inputSecret)
    }
}
