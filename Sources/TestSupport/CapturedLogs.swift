import Foundation
import Logging
import Operations
import Synchronization

/// Every line a logger wrote, as the gateway writes them in production (``JSONLogHandler``), for assertions.
package final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    package init() {}

    /// A logger at `level` whose JSON lines land here.
    package func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "dsr-gateway") { [self] label in
            JSONLogHandler(label: label, write: { line in self.lines.withLock { $0.append(line) } })
        }
        logger.logLevel = level
        return logger
    }

    package var all: [String] { lines.withLock { $0 } }
}
