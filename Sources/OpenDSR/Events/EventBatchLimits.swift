import Foundation

/// mParticle's Events API limits (docs/upstream-apis.md, "Events API"), checked before a batch is forwarded.
package enum EventBatchLimits {
    /// Largest request body, in bytes (256 KB); larger requests are refused with 413.
    package static let maxRequestBytes = 256 * 1024
    /// Largest batch as encoded JSON, in bytes (128 KB).
    package static let maxBatchBytes = 128 * 1024
    /// Most user attributes in one batch.
    package static let maxUserAttributes = 100
    /// Longest user attribute name, in characters.
    package static let maxAttributeNameLength = 256
    /// Longest user attribute value, in characters (each entry of a list attribute).
    package static let maxAttributeValueLength = 4096

    /// Throws the first broken rule, naming the field but never echoing a value.
    package static func validate(_ batch: EventBatch) throws(EventBatchError) {
        if let environment = batch.environment, EventBatch.Environment(rawValue: environment) == nil {
            throw EventBatchError(.invalidField, field: "environment", message: "must be production or development.")
        }
        for (index, event) in (batch.events ?? []).enumerated() where event.eventType.isEmpty {
            throw EventBatchError(.invalidField, field: "events[\(index)].event_type", message: "must not be empty.")
        }
        try validateAttributes(batch)
        let size: Int
        do {
            size = try batch.jsonBytes().count
        } catch {
            throw EventBatchError(.invalidBatch, field: "batch", message: "cannot be encoded as JSON.")
        }
        guard size <= maxBatchBytes else {
            throw EventBatchError(.invalidBatch, field: "batch", message: "must be at most \(maxBatchBytes) bytes.")
        }
    }

    private static func validateAttributes(_ batch: EventBatch) throws(EventBatchError) {
        let attributes = batch.userAttributes ?? [:]
        guard attributes.count <= maxUserAttributes else {
            throw EventBatchError(
                .invalidBatch, field: "user_attributes",
                message: "must hold at most \(maxUserAttributes) attributes (has \(attributes.count)).")
        }
        let names = attributes.keys.sorted()
        if names.contains(where: { $0.count > maxAttributeNameLength }) {
            throw EventBatchError(
                .invalidField, field: "user_attributes",
                message: "attribute names must be at most \(maxAttributeNameLength) characters.")
        }
        for name in names where isTooLong(attributes[name]!) {
            throw EventBatchError(
                .invalidField, field: "user_attributes.\(name)",
                message: "must be at most \(maxAttributeValueLength) characters.")
        }
        if (batch.deletedUserAttributes ?? []).contains(where: { $0.count > maxAttributeNameLength }) {
            throw EventBatchError(
                .invalidField, field: "deleted_user_attributes",
                message: "attribute names must be at most \(maxAttributeNameLength) characters.")
        }
    }

    private static func isTooLong(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): text.count > maxAttributeValueLength
        case .array(let items): items.contains(where: isTooLong)
        case .null, .bool, .integer, .number, .object: false
        }
    }
}
