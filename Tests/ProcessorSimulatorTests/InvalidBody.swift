import Foundation

/// One broken rule of a `POST /v3/requests` body, applied to an otherwise valid body.
enum InvalidBody: String, CaseIterable, Sendable {
    case notJSON, regulation, uppercaseId, uuidVersion1, requestType, submittedTime, noIdentities, encoding
    case identityType, mpidNotAlone, callbackURL

    /// A valid body as a JSON object, with a fresh id.
    static func validJSON() -> [String: Any] {
        [
            "regulation": "gdpr",
            "subject_request_id": UUID().uuidString.lowercased(),
            "subject_request_type": "erasure",
            "submitted_time": "2025-08-26T10:00:00Z",
            "subject_identities": ["email": ["value": "a@b.c", "encoding": "raw"]],
        ]
    }

    /// The body bytes breaking this rule.
    func body() throws -> [UInt8] {
        var json = Self.validJSON()
        switch self {
        case .notJSON: return Array("{".utf8)
        case .regulation: json["regulation"] = "hipaa"
        case .uppercaseId: json["subject_request_id"] = UUID().uuidString.uppercased()
        case .uuidVersion1: json["subject_request_id"] = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
        case .requestType: json["subject_request_type"] = "delete"
        case .submittedTime: json["submitted_time"] = "yesterday"
        case .noIdentities: json["subject_identities"] = [String: Any]()
        case .encoding: json["subject_identities"] = ["email": ["value": "a@b.c", "encoding": "sha256"]]
        case .identityType: json["subject_identities"] = ["ssn": ["value": "1", "encoding": "raw"]]
        case .mpidNotAlone:
            json["extensions"] = [
                "opendsr.mparticle.com": ["subject_identities": ["mpid": ["value": "42", "encoding": "raw"]]]
            ]
        case .callbackURL: json["status_callback_urls"] = ["not a url"]
        }
        return Array(try JSONSerialization.data(withJSONObject: json))
    }
}
