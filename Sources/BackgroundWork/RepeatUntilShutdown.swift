import Foundation
import Logging
import ServiceLifecycle

/// Runs `pass` again and again until the task is cancelled or the service group shuts down gracefully. After a pass
/// that did no work (it returns false) or failed (logged with `name`, then retried), waits `interval` seconds on
/// `clock`, so a test that steps the clock steps the loop.
package func repeatUntilShutdown(
    every interval: TimeInterval, on clock: any Clock<Duration>, name: String, logger: Logger,
    _ pass: () async throws -> Bool
) async {
    let pause = Duration.milliseconds(Int64(interval * 1000))
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
        var worked = false
        do {
            worked = try await pass()
        } catch {
            logger.error("\(name) pass failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
        }
        if !worked {
            // A long interval (the alert evaluator's 30 s) must not hold a graceful shutdown up.
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: pause) }
        }
    }
}
