/// How much of the workspace limit a processor call may use.
package enum CallPriority: Sendable {
    /// Re-reads that can wait (the reconciliation poller): at most half of the rolling minute while other calls are
    /// being made (any in the last 5 s); all of it but the reserve when nothing else is going on.
    case background
    /// Submissions, deliveries, downloads, cancels: all of the rolling minute but a 1 % reserve (at least one call).
    case normal
    /// The certificate lookup that callback verification waits on: the reserve too, and not held by an open circuit
    /// (a success closes it like a probe's).
    case urgent
}
