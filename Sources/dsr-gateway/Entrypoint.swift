import ArgumentParser
import Foundation
import GatewayApp
import GatewayTools
import Logging
import Operations

/// Bootstraps logging (JSON lines on standard error; `LOG_FORMAT=text` for plain lines) and runs the command line.
@main
struct Entrypoint {
    static func main() async {
        let text = ProcessInfo.processInfo.environment["LOG_FORMAT"] == "text"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                text ? StreamLogHandler.standardError(label: label) : JSONLogHandler(label: label)
            handler.logLevel = GatewayCommand.logLevel
            return handler
        }
        await GatewayCommand.main()
    }
}
