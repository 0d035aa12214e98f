import ArgumentParser
import DSRCore
import Foundation
import Logging
import Operations
import ProcessorSimulator

/// `dsr-gateway simulate-processor`: runs the OpenDSR/mParticle processor simulator alone.
struct SimulateProcessorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-processor",
        abstract: "Run the local OpenDSR/mParticle processor simulator (Basic auth, signed callbacks, results).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free port).")
    var port = 0

    @Flag(
        help: "Real mParticle timings (7-day erasure waiting period, Monday/Thursday access runs) instead of fast ones."
    )
    var realTimings = false

    @Flag(help: "Manual clock: time only moves through POST /_sim/advance?seconds=N.")
    var manualClock = false

    @Option(help: "Write the trust root (PEM) the gateway must be configured with to this file.")
    var trustRootOut: String?

    func run() async throws {
        var configuration = realTimings ? SimulatorConfiguration() : DevEnvironment.fastSimulator
        configuration.host = host
        configuration.port = port
        if manualClock { configuration.tickInterval = nil }
        let clock: any WallClock = manualClock ? ManualWallClock(Date()) : SystemWallClock()
        let simulator = try ProcessorSimulator(
            configuration: configuration, clock: clock, logger: Logger(label: "simulator"))
        if let trustRootOut {
            try simulator.trustRootPEM.write(toFile: trustRootOut, atomically: true, encoding: .utf8)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            let url = try await simulator.waitUntilListening()
            announce("listening on \(url.absoluteString)")
            announce(
                "base URL: \(url.absoluteString)/v3  (Basic auth \(configuration.workspaceKey):\(configuration.workspaceSecret))"
            )
            try await group.waitForAll()
        }
    }
}
