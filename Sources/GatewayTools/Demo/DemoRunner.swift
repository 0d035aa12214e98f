import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import Logging
import NIOPosix
import OpenDSR
import ProcessorSimulator

/// The `demo` command's script: the simulator (real mParticle timings) and the gateway run on loopback sharing a
/// manual clock; the demo submits an erasure and an access request, advances time and prints what happens.
struct DemoRunner {
    /// The outcome of one demo run.
    struct Summary {
        var requests: [RequestSnapshot]
        var allSucceeded: Bool
    }

    func run() async throws -> Summary {
        let wallStart = ContinuousClock.now
        let clock = ManualWallClock(Date())
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-demo")
        defer { directory.remove() }
        var logger = Logger(label: "dsr-gateway")
        logger.logLevel = .error
        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.tickInterval = nil
        let simulator = try ProcessorSimulator(configuration: simulatorConfiguration, clock: clock, logger: logger)
        let secret = DevEnvironment.randomSecret()
        let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        do {
            let summary = try await run(
                simulator: simulator, clock: clock, directory: directory, secret: secret,
                httpClient: httpClient, logger: logger)
            try await httpClient.shutdown()
            print(
                "\nDemo finished in \(String(format: "%.1f", (ContinuousClock.now - wallStart) / .seconds(1))) s wall time."
            )
            return summary
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    private func run(
        simulator: ProcessorSimulator, clock: ManualWallClock, directory: TemporaryDirectory, secret: String,
        httpClient: HTTPClient, logger: Logger
    ) async throws -> Summary {
        try await DevEnvironment.withGateway(
            simulator: simulator, clock: clock, directory: directory.url, secret: secret, pollInterval: 0.02,
            logger: logger
        ) { port in
            let api = GatewayAPIClient(baseURL: "http://127.0.0.1:\(port)", apiKey: secret, httpClient: httpClient)
            let results = URL(fileURLWithPath: DevEnvironment.resultsDirectory(in: directory.url))
            return try await DemoScript(api: api, simulator: simulator, clock: clock, resultsDirectory: results).run()
        }
    }
}
