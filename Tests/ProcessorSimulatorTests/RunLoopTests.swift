import DSRCore
import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import ServiceLifecycle
import Testing

@Suite("run(): real-time loop and service lifecycle", .timeLimit(.minutes(1)))
struct RunLoopTests {
    @Test("with a tickInterval, run() ticks by itself and delivers callbacks without explicit tick() calls")
    func backgroundTicks() async throws {
        let configuration = SimulatorHarness.configuration {
            $0.tickInterval = .milliseconds(20)
            $0.callbackBatchInterval = 0
        }
        let receiver = CallbackReceiver()
        try await receiver.run { receiverURL in
            try await SimulatorHarness.run(configuration) { harness in
                var submission = SimulatorHarness.submission()
                let target = receiverURL.appending(path: "callbacks/\(submission.subjectRequestId)")
                submission.statusCallbackUrls = [target.absoluteString]
                #expect(try await harness.submit(submission).status == 201)
                var arrivals = receiver.stream.makeAsyncIterator()
                let delivery = try #require(await arrivals.next())
                #expect(delivery.text.contains(#""request_status":"pending""#))
            }
        }
    }

    @Test("inside a ServiceGroup it serves until graceful shutdown, then stops listening")
    func serviceGroup() async throws {
        let simulator = try ProcessorSimulator(
            configuration: SimulatorHarness.configuration(), clock: ManualWallClock(SimulatorHarness.start),
            logger: SimulatorHarness.quietLogger)
        let group = ServiceGroup(services: [simulator], logger: SimulatorHarness.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let url = try await simulator.waitUntilListening()
            let answer = try await HTTPResult.send(
                .GET, "\(url.absoluteString)/v3/discovery", credentials: ("sim-key", "sim-secret"))
            #expect(answer.status == 200)
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
        #expect(simulator.baseURL == nil)
        await #expect(throws: ProcessorSimulatorError.stoppedBeforeListening) {
            try await simulator.waitUntilListening()
        }
    }
}
