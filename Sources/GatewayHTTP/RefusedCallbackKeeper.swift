import DSRCore
import Foundation
import Logging
import Persistence

/// What a callback carried, as it was sent: the part of a refused callback the sender chose.
struct ReceivedCallback: Sendable {
    /// The path id as a lowercased UUID, or `invalid`.
    var claimedId: String
    /// `X-OpenDSR-Processor-Domain`, as sent.
    var domain: String?
    /// `X-OpenDSR-Signature`, as sent.
    var signature: String?
    /// The raw body.
    var body: [UInt8]
    /// The client address (`client.address`).
    var remoteAddress: String?
}

/// Keeps refused callbacks in the store, the newest `limit` of them (`callbacks.refused_kept`), so that
/// `dsr-gateway callback refused` can show them and `callback verify` check them again byte for byte. Which refusals
/// are kept is the controller's choice (at most 10 a minute per reason), so a flood of forged callbacks neither fills
/// the disk nor makes a write per callback.
///
/// Keeping never changes the answer: a store error is logged at warning, without anything the sender sent, and goes
/// no further.
package struct RefusedCallbackKeeper: Sendable {
    let store: any RefusedCallbackStore
    /// How many the store keeps; 0 keeps none and writes nothing.
    let limit: Int
    let clock: any WallClock

    package init(store: any RefusedCallbackStore, keeping limit: Int, clock: any WallClock) {
        self.store = store
        self.limit = limit
        self.clock = clock
    }

    /// Stores `callback`, refused now for `reason` (`detail` as logged), and drops all but the newest `limit`.
    func keep(_ callback: ReceivedCallback, reason: String, detail: String, logger: Logger) async {
        guard limit > 0 else { return }
        let refused = RefusedCallback(
            at: clock.now, reason: reason, detail: detail, claimedId: callback.claimedId, domain: callback.domain,
            signature: callback.signature, body: callback.body, remoteAddress: callback.remoteAddress)
        do {
            try await store.keepRefusedCallback(refused, keeping: limit)
        } catch {
            logger.warning(
                "refused callback not kept",
                metadata: ["callback.reason": "\(reason)", "error.type": "\(type(of: error))"])
        }
    }
}
