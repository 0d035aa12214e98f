import DSRCore
import Foundation
import Logging
import ProcessorSimulator
import ServiceLifecycle

extension DevEnvironment {
    /// Runs `simulator` and a gateway configured for it (this process, loopback, port 0, its SQLite file in
    /// `directory`, `secret` as its API key), calls `body` with the gateway's port, then stops the gateway and, once it
    /// has stopped, the simulator (its last callbacks have somewhere to go). Callers close their own HTTP clients in
    /// `body`: an idle keep-alive connection would hold the server's graceful shutdown open.
    package static func withGateway<T: Sendable>(
        simulator: ProcessorSimulator, clock: any WallClock, directory: URL, secret: String, pollInterval: TimeInterval,
        logger: Logger, _ body: (Int) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let simulatorServices = ServiceGroup(services: [simulator], gracefulShutdownSignals: [], logger: logger)
            group.addTask { try await simulatorServices.run() }
            let configuration = gatewayConfiguration(
                simulator: simulator, simulatorURL: try await simulator.waitUntilListening(), dataDirectory: directory,
                port: 0, apiKeySecret: secret, pollInterval: pollInterval)
            let (ports, portSink) = AsyncStream<Int>.makeStream()
            let app = try await buildApplication(
                configuration: configuration, clock: clock, logger: logger, onListening: { portSink.yield($0) })
            let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
            group.addTask { try await services.run() }
            var portIterator = ports.makeAsyncIterator()
            guard let port = await portIterator.next() else { throw CancellationError() }
            let result = try await body(port)
            await services.triggerGracefulShutdown()
            try await group.next()
            await simulatorServices.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }
}
