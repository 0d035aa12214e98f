import Foundation
import OpenDSR

/// The batches `POST /v2/events` accepted, oldest first. The simulator is mParticle's test double, so it keeps them
/// whole for tests; the admin snapshot shows only their shape.
actor EventBatchInbox {
    private(set) var batches: [(receivedAt: Date, batch: EventBatch)] = []

    /// Records an accepted batch.
    func append(_ batch: EventBatch, receivedAt: Date) {
        batches.append((receivedAt, batch))
    }
}
