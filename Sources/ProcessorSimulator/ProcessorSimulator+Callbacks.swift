import AsyncHTTPClient
import DSRCore
import Foundation
import Logging

extension ProcessorSimulator {
    /// Applies every lifecycle transition due at `clock.now` (each queues callbacks) and, once
    /// `callbackBatchInterval` has passed since the last batch, sends the queued callbacks.
    package func tick() async {
        let now = clock.now
        let changes = await store.advance(to: now)
        if changes > 0 { logger.debug("Lifecycle advanced", metadata: ["dsr.transitions": "\(changes)"]) }
        if await store.claimBatch(at: now, interval: configuration.callbackBatchInterval) {
            await flushCallbacks()
        }
    }

    /// Sends every queued callback copy now (without moving the batch schedule). Copies for one request and
    /// URL go in order; after a failure the rest of that sequence waits for the next batch. Failed copies are
    /// retried up to `callbackMaxAttempts` times. Does nothing while the server is not running.
    package func flushCallbacks() async {
        guard let client = sender.currentClient, let baseURL = listening.url else { return }
        let batch = await store.drainOutbox()
        guard !batch.isEmpty else { return }
        var sequences: [[PendingCallback]] = []
        var position: [String: Int] = [:]
        for callback in batch {
            let key = "\(callback.requestId) \(callback.url)"
            if let index = position[key] {
                sequences[index].append(callback)
            } else {
                position[key] = sequences.count
                sequences.append([callback])
            }
        }
        let outcomes = await withTaskGroup(of: [CallbackOutcome].self) { group in
            var pending = sequences.makeIterator()
            for _ in 0..<max(1, configuration.callbackConcurrency) {
                guard let sequence = pending.next() else { break }
                group.addTask { await self.deliver(sequence, client: client, baseURL: baseURL) }
            }
            var outcomes: [CallbackOutcome] = []
            for await finished in group {
                outcomes += finished
                if let sequence = pending.next() {
                    group.addTask { await self.deliver(sequence, client: client, baseURL: baseURL) }
                }
            }
            return outcomes
        }
        let stats = await store.record(outcomes, maxAttempts: configuration.callbackMaxAttempts)
        logger.info(
            "Callback batch sent",
            metadata: [
                "callbacks.batch": "\(batch.count)", "callbacks.sent": "\(stats.sent)",
                "callbacks.failed": "\(stats.failed)", "callbacks.dropped": "\(stats.dropped)",
                "callbacks.queued": "\(stats.queued)",
            ]
        )
    }

    private func deliver(_ sequence: [PendingCallback], client: HTTPClient, baseURL: URL) async -> [CallbackOutcome] {
        var outcomes: [CallbackOutcome] = []
        var blocked = false
        for callback in sequence {
            if blocked {
                outcomes.append(.deferred(callback))
            } else if faultInjector.dropsCallback() {
                outcomes.append(.dropped(callback))
            } else if await send(callback, client: client, baseURL: baseURL) {
                outcomes.append(.delivered(callback))
            } else {
                outcomes.append(.failed(callback))
                blocked = true
            }
        }
        return outcomes
    }

    private func send(_ callback: PendingCallback, client: HTTPClient, baseURL: URL) async -> Bool {
        var logger = logger
        logger[metadataKey: "dsr.id"] = "\(callback.requestId)"
        do {
            let body = try callback.body(controllerId: configuration.controllerId, baseURL: baseURL).orderedJSON()
            let signature = try identity.signature(for: body)
            return await sender.post(body, signature: signature, to: callback.url, using: client, logger: logger)
        } catch {
            logger.error("Callback could not be signed", metadata: ["error.type": "\(type(of: error))"])
            return false
        }
    }
}
