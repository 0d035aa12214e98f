/// What an audit entry records, stored and shown as its raw value (`GET /data-subject-requests/{id}`, `requests show`).
package enum AuditEvent: String, Codable, Sendable, CaseIterable {
    /// Accepted from the API or Baton (`queued`).
    case received
    /// A person closed a request the gateway could not serve by itself (its outcome in the detail).
    case resolved
    /// A second person approved a request held for approval (`queued`).
    case approved
    /// A second person denied a request held for approval (`failed`, resolved as refused).
    case denied
    /// A person extended the deadline once (the new deadline in the detail).
    case deadlineExtended = "deadline_extended"
    /// The processor acknowledged the request (or already had our id).
    case delivered
    /// A delivery attempt failed or was held; the next one is scheduled.
    case deliveryRetryScheduled = "delivery_retry_scheduled"
    /// Moved to `failed` because the delivery retry budget ran out (alert-worthy: counted apart).
    case retryBudgetSpent = "retry_budget_spent"
    /// A state change reported by the processor, a cancellation or a failure.
    case stateChanged = "state_changed"
    /// The processor's fields (expected completion, results URL, …) changed without a state change.
    case processorFieldsUpdated = "processor_fields_updated"
    case resultsStored = "results_stored"
    case resultsEmpty = "results_empty"
    case resultsRefused = "results_refused"
    case resultsFailed = "results_failed"
    case resultsRetryScheduled = "results_retry_scheduled"
    case resultsLinkRefreshed = "results_link_refreshed"
    case resultsExpired = "results_expired"
    case resultsDeleted = "results_deleted"
    /// The subject id and email were erased at the end of the retention period (a keyed hash stays).
    case subjectErased = "subject_erased"
    /// Retention could not delete the archive (it is tried again daily).
    case resultsDeleteFailed = "results_delete_failed"
    case erasureAttributesSent = "erasure_attributes_sent"
    case erasureAttributesRetryScheduled = "erasure_attributes_retry_scheduled"
    case erasureAttributesGivenUp = "erasure_attributes_given_up"
    case erasureAttributesSkipped = "erasure_attributes_skipped"
}
