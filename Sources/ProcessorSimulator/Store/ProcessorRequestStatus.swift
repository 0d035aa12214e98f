/// `request_status` values a processor reports (docs/upstream-apis.md, "Request status"); there is no failure
/// status.
package enum ProcessorRequestStatus: String, Codable, Sendable, CaseIterable {
    case pending
    case inProgress = "in_progress"
    case completed
    case cancelled

    /// Whether the request still counts as "in progress" for the 409 duplicate rule.
    var isOpen: Bool { self == .pending || self == .inProgress }
}
