import Foundation

extension SimulatorStore {
    /// Takes every queued callback copy out of the outbox, oldest first.
    func drainOutbox() -> [PendingCallback] {
        defer { outbox.removeAll() }
        return outbox
    }

    /// Records a flush: counts outcomes, credits deliveries to their request, and puts failed copies
    /// (under `maxAttempts`) and deferred ones back at the front of the outbox in their original order.
    func record(_ outcomes: [CallbackOutcome], maxAttempts: Int) -> CallbackDeliveryStats {
        var retry: [PendingCallback] = []
        for outcome in outcomes {
            switch outcome {
            case .delivered(let callback):
                stats.sent += 1
                creditDelivery(to: callback.requestId)
            case .dropped:
                stats.dropped += 1
            case .deferred(let callback):
                retry.append(callback)
            case .failed(var callback):
                stats.failed += 1
                callback.attempts += 1
                if callback.attempts < maxAttempts {
                    retry.append(callback)
                } else {
                    stats.abandoned += 1
                }
            }
        }
        outbox.insert(contentsOf: retry, at: 0)
        return deliveryStats()
    }

    /// Delivery counters with the current outbox size.
    func deliveryStats() -> CallbackDeliveryStats {
        var current = stats
        current.queued = outbox.count
        return current
    }
}
