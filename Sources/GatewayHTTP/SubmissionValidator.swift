import DSRCore
import Foundation

/// Validates submitted fields and turns bad input into ``APIError``s naming the field (never echoing the value).
package enum SubmissionValidator {
    /// A lowercase-able UUID version 4, as OpenDSR requires for `subject_request_id`.
    package static func requestId(_ text: String, field: String = "id") throws -> UUID {
        guard let uuid = UUID(uuidString: text), uuid.uuidString.lowercased() == text.lowercased(),
            Array(text)[14] == "4"
        else {
            throw APIError.invalidField(field, "must be a UUID version 4 (e.g. 2f1c8e9a-6b1d-4c3e-9f6a-0d2b7c4e5a1f).")
        }
        return uuid
    }

    package static func regulation(_ text: String) throws -> Regulation {
        guard let value = Regulation(rawValue: text) else {
            throw APIError.invalidField("regulation", "must be one of gdpr, ccpa.")
        }
        return value
    }

    package static func type(_ text: String) throws -> RequestType {
        guard let value = RequestType(rawValue: text) else {
            throw APIError.invalidField("type", "must be one of erasure, access, portability.")
        }
        return value
    }

    /// Non-empty, at most 256 characters, no control characters.
    package static func subjectId(_ text: String, field: String = "subjectId") throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw APIError.invalidField(field, "must not be empty.") }
        guard trimmed.count <= 256 else { throw APIError.invalidField(field, "must be at most 256 characters.") }
        guard !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw APIError.invalidField(field, "must not contain control characters.")
        }
        return trimmed
    }

    /// A plausible address: one `@`, a non-empty local part, a dotted domain, no spaces, at most 254 characters.
    package static func email(_ text: String, field: String = "subjectEmail") throws -> String {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            text.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !text.contains(where: \.isWhitespace)
        guard valid else { throw APIError.invalidField(field, "must be a valid email address.") }
        return text
    }
}
