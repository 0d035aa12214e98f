import ArgumentParser
import Foundation
import GatewayApp
import GatewayTools
import Logging

/// `dsr-gateway`: the root command.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dsr-gateway",
        abstract: "Fulfils GDPR/CCPA data subject requests against OpenDSR processors (mParticle DSR API v3).",
        subcommands: ApplicationCommands.all + ToolCommands.all
    )

    /// Log level from `LOG_LEVEL` (trace … critical), default `info`.
    static var logLevel: Logger.Level {
        ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }
}
