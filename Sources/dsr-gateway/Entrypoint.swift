import ArgumentParser
import GatewayApp
import Logging

/// Bootstraps logging and runs the command line.
@main
struct Entrypoint {
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = GatewayCommand.logLevel
            return handler
        }
        await GatewayCommand.main()
    }
}
