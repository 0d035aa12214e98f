import Foundation

/// The privacy law a data subject request is made under.
package enum Regulation: String, Codable, Sendable, CaseIterable {
    case gdpr
    case ccpa
}

/// What the data subject asks for (OpenDSR `subject_request_type`).
package enum RequestType: String, Codable, Sendable, CaseIterable {
    case erasure
    case access
    case portability

    /// Whether the processor produces a results archive for this type.
    package var producesResults: Bool { self != .erasure }
}

/// Who submitted the request to the gateway.
package enum RequestSource: String, Codable, Sendable, CaseIterable {
    case api
    case baton
}
