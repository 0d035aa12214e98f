import ArgumentParser
import Foundation
import Logging

/// `dsr-gateway`: the root command.
package struct GatewayCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "dsr-gateway",
        abstract: "Fulfils GDPR/CCPA data subject requests against OpenDSR processors (mParticle DSR API v3).",
        subcommands: [
            ServeCommand.self, DemoCommand.self, SimulateProcessorCommand.self, CertCommand.self,
            CallbackCommand.self, RequestsCommand.self, HealthCommand.self, CheckConfigCommand.self, SoakCommand.self,
            BenchCommand.self, AlertsCommand.self,
        ]
    )

    package init() {}

    /// Log level from `LOG_LEVEL` (trace … critical), default `info`.
    package static var logLevel: Logger.Level {
        ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }
}
