import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing

@Suite("Batched, signed status callbacks")
struct CallbackTests {
    /// Runs a simulator and a receiver; `body` gets both and the two callback URLs of a request id.
    private func withReceiver(
        _ configuration: SimulatorConfiguration = SimulatorHarness.configuration(),
        _ body: (SimulatorHarness, CallbackReceiver, URL) async throws -> Void
    ) async throws {
        let receiver = CallbackReceiver()
        try await receiver.run { receiverURL in
            try await SimulatorHarness.run(configuration) { harness in
                try await body(harness, receiver, receiverURL)
            }
        }
    }

    private func urls(_ receiverURL: URL, _ id: String) -> [String] {
        ["a", "b"].map { receiverURL.appending(path: "callbacks/\($0)/\(id)").absoluteString }
    }

    @Test("creation callbacks go to every URL at the next 15-minute batch, signed, with that copy's URL")
    func creationBatch() async throws {
        try await withReceiver { harness, receiver, receiverURL in
            var submission = SimulatorHarness.submission()
            let targets = urls(receiverURL, submission.subjectRequestId)
            submission.statusCallbackUrls = targets
            #expect(try await harness.submit(submission).status == 201)
            await harness.advance(by: 899)
            #expect(receiver.deliveries.isEmpty)
            await harness.advance(by: 1)
            let deliveries = receiver.deliveries.sorted { $0.path < $1.path }
            #expect(deliveries.count == 2)
            let chain = try await ServedChain.fetch(from: harness)
            for (delivery, target) in zip(deliveries, targets) {
                #expect(chain.verifies(delivery.header("X-OpenDSR-Signature"), over: delivery.body))
                #expect(delivery.header("X-OpenDSR-Processor-Domain") == "opendsr.mparticle.com")
                #expect(delivery.header("Content-Type") == "application/json")
                let expected =
                    #"{"controller_id":"3622","expected_completion_time":"2025-09-04T10:00:00Z","#
                    + #""status_callback_url":"\#(target)","subject_request_id":"\#(submission.subjectRequestId)","#
                    + #""request_status":"pending","results_url":null,"extensions":null}"#
                #expect(delivery.text == expected)
            }
            #expect(await harness.simulator.snapshot().callbacks.sent == 2)
        }
    }

    @Test("every status change is called back once, in order, with the results URL on completion")
    func fullLifecycle() async throws {
        try await withReceiver { harness, receiver, receiverURL in
            var submission = SimulatorHarness.submission(type: "access")
            submission.statusCallbackUrls = [urls(receiverURL, submission.subjectRequestId)[0]]
            #expect(try await harness.submit(submission).status == 201)
            await harness.advance(by: 10 * 86_400)
            let bodies = try receiver.deliveries.map {
                try JSONDecoder().decode(CallbackBody.self, from: Data($0.body))
            }
            #expect(bodies.map(\.requestStatus) == ["pending", "in_progress", "completed"])
            let expectedResults = harness.baseURL.appending(path: "v3/requests/\(submission.subjectRequestId)/results")
            #expect(bodies.last?.resultsUrl == expectedResults.absoluteString)
            let snapshot = await harness.simulator.snapshot()
            #expect(snapshot.requests.first?.callbacksDelivered == 3)
            #expect(snapshot.callbacks.queued == 0)
            // Nothing is sent twice.
            await harness.advance(by: 3_600)
            #expect(receiver.deliveries.count == 3)
        }
    }

    @Test("a refused callback is retried at the next batch, up to the attempt limit")
    func retries() async throws {
        try await withReceiver(SimulatorHarness.configuration { $0.callbackMaxAttempts = 2 }) {
            harness, receiver, url async throws in
            var kept = SimulatorHarness.submission(customerId: "kept")
            kept.statusCallbackUrls = [urls(url, kept.subjectRequestId)[0]]
            #expect(try await harness.submit(kept).status == 201)
            receiver.refuseNext(1)
            await harness.simulator.flushCallbacks()
            #expect(receiver.deliveries.isEmpty)
            var stats = await harness.simulator.snapshot().callbacks
            #expect(stats.failed == 1 && stats.queued == 1)
            await harness.simulator.flushCallbacks()
            #expect(receiver.deliveries.count == 1)

            var abandoned = SimulatorHarness.submission(customerId: "abandoned")
            abandoned.statusCallbackUrls = [urls(url, abandoned.subjectRequestId)[0]]
            #expect(try await harness.submit(abandoned).status == 201)
            receiver.refuseNext(2)
            await harness.simulator.flushCallbacks()
            await harness.simulator.flushCallbacks()
            await harness.simulator.flushCallbacks()
            stats = await harness.simulator.snapshot().callbacks
            #expect(stats.abandoned == 1 && stats.queued == 0 && stats.sent == 1)
            #expect(receiver.deliveries.count == 1)
        }
    }

    @Test("after a rotation callbacks are signed by the new leaf, which chains to the same root")
    func rotation() async throws {
        try await withReceiver { harness, receiver, url in
            let before = try await ServedChain.fetch(from: harness)
            var submission = SimulatorHarness.submission()
            submission.statusCallbackUrls = [urls(url, submission.subjectRequestId)[0]]
            #expect(try await harness.submit(submission).status == 201)
            let rotated = try harness.simulator.rotateCertificate()
            await harness.simulator.flushCallbacks()
            let delivery = try #require(receiver.deliveries.first)
            let after = try await ServedChain.fetch(from: harness)
            #expect(after.leaf == rotated.leaf)
            #expect(after.leaf != before.leaf)
            #expect(after.certificates.last == before.certificates.last)
            #expect(after.verifies(delivery.header("X-OpenDSR-Signature"), over: delivery.body))
            #expect(!before.verifies(delivery.header("X-OpenDSR-Signature"), over: delivery.body))
        }
    }

    @Test("dropped callbacks are lost for good, as the drop fault promises")
    func dropped() async throws {
        try await withReceiver { harness, receiver, url async throws in
            var submission = SimulatorHarness.submission()
            submission.statusCallbackUrls = urls(url, submission.subjectRequestId)
            #expect(try await harness.submit(submission).status == 201)
            harness.simulator.setFaults(SimulatorFaults(dropCallbackFraction: 1))
            await harness.simulator.flushCallbacks()
            harness.simulator.setFaults(.none)
            await harness.simulator.flushCallbacks()
            #expect(receiver.deliveries.isEmpty)
            let stats = await harness.simulator.snapshot().callbacks
            #expect(stats.dropped == 2 && stats.queued == 0 && stats.sent == 0)
        }
    }
}
