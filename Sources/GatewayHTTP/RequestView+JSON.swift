import DSRCore
import Hummingbird

extension RequestView {
    package func response(from request: Request, context: some RequestContext) -> Response {
        var writer = JSONWriter(capacity: 512 + 256 * (audit?.count ?? 0))
        write(to: &writer)
        return .json(writer.bytes)
    }

    /// Every field in sorted key order, nil ones left out: what ``JSONCoding/encoder()`` writes.
    func write(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.field("attempts", attempts)
            if let audit { writer.array("audit", audit) { writer, entry in entry.write(to: &writer) } }
            writer.field("deadline", deadline)
            if let deadlineExtension {
                writer.object("deadlineExtension") { writer in
                    writer.field("at", deadlineExtension.at)
                    writer.field("previousDeadline", deadlineExtension.previousDeadline)
                    writer.field("principal", deadlineExtension.principal)
                    writer.field("reason", deadlineExtension.reason)
                }
            }
            writer.field("id", id)
            writer.field("lastError", lastError)
            writer.field("nextAttemptAt", nextAttemptAt)
            writer.field("principal", principal)
            writer.object("processor") { writer in
                writer.field("controllerId", processor.controllerId)
                writer.field("expectedCompletionTime", processor.expectedCompletionTime)
                writer.field("follows", processor.follows)
                writer.field("receivedTime", processor.receivedTime)
                writer.field("resultsAvailable", processor.resultsAvailable)
            }
            writer.field("receivedAt", receivedAt)
            writer.field("regulation", regulation)
            if let resolution {
                writer.object("resolution") { writer in
                    writer.field("at", resolution.at)
                    writer.field("outcome", resolution.outcome)
                    writer.field("principal", resolution.principal)
                    writer.field("reason", resolution.reason)
                }
            }
            writer.field("resultLocation", resultLocation)
            writer.field("resultsStatus", resultsStatus)
            writer.field("source", source)
            writer.field("state", state)
            if let subject {
                writer.object("subject") { writer in
                    writer.field("customerId", subject.customerId)
                    writer.field("email", subject.email)
                }
            }
            writer.field("subjectErasedAt", subjectErasedAt)
            writer.field("type", type)
            writer.field("updatedAt", updatedAt)
        }
    }
}

extension AuditEntry {
    fileprivate func write(to writer: inout JSONWriter) {
        writer.object { writer in
            writer.field("actor", actor)
            writer.field("at", at)
            writer.field("detail", detail)
            writer.field("event", event)
            writer.field("evidence", evidence)
            writer.field("fromState", fromState)
            writer.field("principal", principal)
            writer.field("toState", toState)
        }
    }
}
