import DSRCore
import Foundation
import OpenDSR

/// A submission that passed every body rule; what the store keeps.
struct ValidatedSubmission: Sendable {
    let id: String
    let regulation: Regulation
    let type: RequestType
    let identities: [String: String]
    let callbackURLs: [String]
    let groupId: String?
    let skipWaitingPeriod: Bool
}

/// A body rule was broken; `message` names the field but never echoes a value.
struct InvalidSubmission: Error, Equatable {
    let message: String
}

/// Checks `POST /v3/requests` bodies against mParticle's rules (docs/upstream-apis.md, "Submitting a request" and
/// "Errors").
enum SubmissionValidator {
    /// The message mParticle documents for the mpid rule.
    static let mpidAloneMessage = "If an mpid is provided, it must be the only identity in the request."

    /// Decodes and validates `body`.
    static func validate(_ body: [UInt8]) throws(InvalidSubmission) -> ValidatedSubmission {
        let payload: SubmissionPayload
        do {
            payload = try JSONDecoder().decode(SubmissionPayload.self, from: Data(body))
        } catch {
            throw InvalidSubmission(message: "Invalid data was detected: the body is not a valid request object.")
        }
        return try validate(payload)
    }

    private static func validate(_ payload: SubmissionPayload) throws(InvalidSubmission) -> ValidatedSubmission {
        guard let regulation = payload.regulation.flatMap(Regulation.init(rawValue:)) else {
            throw InvalidSubmission(message: "Invalid data was detected: regulation must be gdpr or ccpa.")
        }
        guard let id = payload.subjectRequestId, isLowercaseUUIDv4(id) else {
            throw InvalidSubmission(
                message: "Invalid data was detected: subject_request_id must be a lowercase UUID v4.")
        }
        guard let type = payload.subjectRequestType.flatMap(RequestType.init(rawValue:)) else {
            throw InvalidSubmission(
                message: "Invalid data was detected: subject_request_type must be access, portability or erasure.")
        }
        guard let submitted = payload.submittedTime, Timestamp.parse(submitted) != nil else {
            throw InvalidSubmission(message: "Invalid data was detected: submitted_time must be an RFC 3339 time.")
        }
        let identities = try identities(of: payload)
        let callbackURLs = payload.statusCallbackUrls ?? []
        for url in callbackURLs {
            guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https",
                parsed.host != nil
            else {
                throw InvalidSubmission(
                    message: "Invalid data was detected: status_callback_urls must be http(s) URLs.")
            }
        }
        if let group = payload.groupId, group.isEmpty {
            throw InvalidSubmission(message: "Invalid data was detected: group_id must not be empty.")
        }
        let skip = payload.skipWaitingPeriod ?? payload.mParticleExtension?.skipWaitingPeriod ?? false
        return ValidatedSubmission(
            id: id, regulation: regulation, type: type, identities: identities, callbackURLs: callbackURLs,
            groupId: payload.groupId, skipWaitingPeriod: skip
        )
    }

    /// `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx` in lowercase hex (OpenDSR §1.1).
    static func isLowercaseUUIDv4(_ text: String) -> Bool {
        let characters = Array(text.utf8)
        guard characters.count == 36 else { return false }
        for (index, character) in characters.enumerated() {
            switch index {
            case 8, 13, 18, 23: guard character == UInt8(ascii: "-") else { return false }
            case 14: guard character == UInt8(ascii: "4") else { return false }
            case 19: guard "89ab".utf8.contains(character) else { return false }
            default: guard "0123456789abcdef".utf8.contains(character) else { return false }
            }
        }
        return true
    }

    /// Merges top-level and extension identities, enforcing types, `raw` encoding, count and the mpid rule.
    private static func identities(of payload: SubmissionPayload) throws(InvalidSubmission) -> [String: String] {
        let topLevel = payload.subjectIdentities ?? [:]
        let fromExtension = payload.mParticleExtension?.subjectIdentities ?? [:]
        if let type = topLevel.keys.first(where: { !IdentityCatalog.topLevel.contains($0) }) {
            throw InvalidSubmission(message: "Invalid data was detected: unsupported identity type \(type).")
        }
        if let type = fromExtension.keys.first(where: { !IdentityCatalog.extensionOnly.contains($0) }) {
            throw InvalidSubmission(message: "Invalid data was detected: unsupported extension identity type \(type).")
        }
        let all = Array(topLevel) + Array(fromExtension)
        guard !all.isEmpty else {
            throw InvalidSubmission(message: "Invalid data was detected: at least one subject identity is required.")
        }
        guard all.count <= IdentityCatalog.maximumCount else {
            throw InvalidSubmission(message: "Invalid data was detected: at most 50 subject identities are allowed.")
        }
        if all.contains(where: { $0.value.encoding != IdentityCatalog.rawEncoding }) {
            throw InvalidSubmission(message: "Invalid data was detected: identity encoding must be raw.")
        }
        if all.contains(where: { $0.value.value.isEmpty }) {
            throw InvalidSubmission(message: "Invalid data was detected: identity values must not be empty.")
        }
        if fromExtension["mpid"] != nil, all.count > 1 {
            throw InvalidSubmission(message: mpidAloneMessage)
        }
        return Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0.value.value) })
    }
}
