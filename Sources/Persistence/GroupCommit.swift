import DSRCore
import Synchronization

/// A creation waiting for the writer: the request, its audit entry, and once a transaction has carried it, the result.
final class PendingCreate: Sendable {
    let request: DSRRequest
    let audit: AuditEntry
    private let outcome = Mutex<Result<CreateOutcome, any Error>?>(nil)

    init(request: DSRRequest, audit: AuditEntry) {
        self.request = request
        self.audit = audit
    }

    var result: Result<CreateOutcome, any Error>? {
        get { outcome.withLock { $0 } }
        set { outcome.withLock { $0 = newValue } }
    }
}
