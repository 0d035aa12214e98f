import Foundation

extension DSRRequest {
    /// Applies a status the processor reported (callback, poll or submit answer) and returns the audit entries
    /// that describe the change. Returns no entries, and changes nothing, for a replay or an older status:
    /// states only move forward and applying the same report twice is a no-op.
    package mutating func applyProcessorReport(
        state reported: RequestState, fields: ProcessorFields, actor: AuditEntry.Actor, at: Date
    ) -> [AuditEntry] {
        let mergedFields = processor.merging(fields)
        if reported == state {
            guard mergedFields != processor else { return [] }
            processor = mergedFields
            updatedAt = at
            return [AuditEntry(at: at, actor: actor, event: .processorFieldsUpdated, detail: mergedFields.summary)]
        }
        guard state.canMove(to: reported) else { return [] }
        let previous = state
        state = reported
        processor = mergedFields
        nextAttemptAt = nil
        lastError = nil
        updatedAt = at
        return [
            AuditEntry(
                at: at, actor: actor, event: .stateChanged, fromState: previous, toState: reported,
                detail: mergedFields.summary)
        ]
    }

    /// Puts off the next attempt (delivery while queued, download once completed) by `delay` seconds, keeping
    /// `reason` as the last error, and returns the audit entry that says so.
    package mutating func scheduleRetry(
        after delay: TimeInterval, reason: String, event: AuditEvent, actor: AuditEntry.Actor, at: Date
    ) -> [AuditEntry] {
        nextAttemptAt = at.addingTimeInterval(delay)
        lastError = reason
        updatedAt = at
        return [
            AuditEntry(
                at: at, actor: actor, event: event,
                detail: "\(reason); next attempt in \(delay.wholeSecondsForDisplay) s")
        ]
    }

    /// Moves a non-terminal request to `failed` with a reason (no personal data in `reason`), audited as `event`.
    package mutating func fail(
        reason: String, actor: AuditEntry.Actor, at: Date, event: AuditEvent = .stateChanged
    ) -> [AuditEntry] {
        guard state.canMove(to: .failed) else { return [] }
        let previous = state
        state = .failed
        lastError = reason
        nextAttemptAt = nil
        updatedAt = at
        return [
            AuditEntry(
                at: at, actor: actor, event: event, fromState: previous, toState: .failed, detail: reason)
        ]
    }
}

extension ProcessorFields {
    /// A one-line description for the audit trail (no personal data: only processor identifiers and times).
    package var summary: String {
        var parts: [String] = []
        if let controllerId { parts.append("controller \(controllerId)") }
        if let expectedCompletionTime {
            parts.append("expected completion \(Timestamp.format(expectedCompletionTime))")
        }
        if resultsURL != nil { parts.append("results available") }
        if let follows { parts.append("follows \(follows.uuidString.lowercased())") }
        return parts.joined(separator: "; ")
    }
}
