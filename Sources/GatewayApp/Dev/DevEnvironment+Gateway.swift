import DSRCore
import Foundation
import GatewayHTTP
import Logging
import Persistence
import ProcessorSimulator
import ServiceLifecycle
import Workers

extension DevEnvironment {
    /// Runs `simulator` and a gateway configured for it (this process, loopback, port 0, its SQLite file in
    /// `directory`, `secret` as its API key), calls `body` with the gateway's port, then stops the gateway and, once it
    /// has stopped, the simulator (its last callbacks have somewhere to go). Callers close their own HTTP clients in
    /// `body`: an idle keep-alive connection would hold the server's graceful shutdown open.
    package static func withGateway<T: Sendable>(
        simulator: ProcessorSimulator, clock: any WallClock, directory: URL, secret: String, pollInterval: TimeInterval,
        logger: Logger, _ body: (Int) async throws -> T
    ) async throws -> T {
        try await withGateways(
            simulator: simulator, clock: clock, directory: directory, secret: secret, pollInterval: pollInterval,
            logger: logger
        ) { try await body($0[0]) }
    }

    /// Like ``withGateway(simulator:clock:directory:secret:pollInterval:logger:_:)`` with `instances` gateways in
    /// this process sharing `store` (the directory's SQLite file when nil); `body` gets their ports.
    package static func withGateways<T: Sendable>(
        instances: Int = 1, store: StoreLocation? = nil, inbound: InboundLimits = InboundLimits(),
        simulator: ProcessorSimulator, clock: any WallClock, directory: URL, secret: String,
        pollInterval: TimeInterval, logger: Logger, _ body: ([Int]) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let simulatorServices = ServiceGroup(services: [simulator], gracefulShutdownSignals: [], logger: logger)
            group.addTask { try await simulatorServices.run() }
            var configuration = gatewayConfiguration(
                simulator: simulator, simulatorURL: try await simulator.waitUntilListening(), dataDirectory: directory,
                port: 0, apiKeySecret: secret, pollInterval: pollInterval)
            if let store {
                configuration.store = store
                // Another SQLite file brings its own keys, beside it.
                if case .sqlite = store {
                    configuration.subjectKeyFile = nil
                    configuration.audit.keyFile = nil
                }
            }
            configuration.inbound = inbound
            var services: [ServiceGroup] = []
            var ports: [Int] = []
            for _ in 0..<max(1, instances) {
                let (announced, portSink) = AsyncStream<Int>.makeStream()
                let app = try await buildApplication(
                    configuration: configuration, clock: clock, logger: logger, onListening: { portSink.yield($0) })
                let instance = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
                group.addTask { try await instance.run() }
                services.append(instance)
                var portIterator = announced.makeAsyncIterator()
                guard let port = await portIterator.next() else { throw CancellationError() }
                ports.append(port)
            }
            // Shut down gracefully whatever the body did: cancelling the gateways instead would leave their stores
            // unclosed.
            let result: Result<T, any Error>
            do { result = .success(try await body(ports)) } catch { result = .failure(error) }
            for instance in services { await instance.triggerGracefulShutdown() }
            for _ in services { try await group.next() }
            await simulatorServices.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}
