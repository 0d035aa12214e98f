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

    /// Non-empty, at most 256 bytes of UTF-8 once in Unicode normal form C, no control characters. Normalised so one
    /// subject typed two ways (a precomposed "é" or an "e" with a combining accent) is one subject; counted in bytes so
    /// a letter with thousands of combining marks is not "one character".
    package static func subjectId(_ text: String, field: String = "subjectId") throws -> String {
        try self.text(text, field: field, maxBytes: 256)
    }

    /// Non-empty once trimmed, at most `maxBytes` of UTF-8 in Unicode normal form C, no control characters.
    package static func text(_ text: String, field: String, maxBytes: Int) throws -> String {
        let normalized = text.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
        guard !normalized.isEmpty else { throw APIError.invalidField(field, "must not be empty.") }
        guard normalized.utf8.count <= maxBytes else {
            throw APIError.invalidField(field, "must be at most \(maxBytes) bytes of UTF-8.")
        }
        guard !containsControlCharacters(normalized) else {
            throw APIError.invalidField(field, "must not contain control characters.")
        }
        return normalized
    }

    /// A plausible address in normal form C: one `@`, a non-empty local part, a dotted domain, no spaces or control
    /// characters, at most 254 bytes of UTF-8.
    package static func email(_ text: String, field: String = "subjectEmail") throws -> String {
        let normalized = text.precomposedStringWithCanonicalMapping
        let parts = normalized.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            normalized.utf8.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !normalized.contains(where: \.isWhitespace)
            && !containsControlCharacters(normalized)
        guard valid else { throw APIError.invalidField(field, "must be a valid email address.") }
        return normalized
    }

    private static func containsControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
    }
}
