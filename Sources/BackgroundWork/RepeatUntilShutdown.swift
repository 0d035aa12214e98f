import Foundation
import Logging
import ServiceLifecycle

/// Runs `pass` again and again until the task is cancelled or the service group shuts down gracefully. After a pass
/// that did no work (it returns false), waits `interval` seconds on `clock`, so a test that steps the clock steps the
/// loop. A pass that fails (the database is unreachable, say) is tried again after a backoff that doubles from
/// `interval` up to 30 s while the failures last; they are logged with `name` at the 1st, 2nd, 4th, 8th … failure in a
/// row, not on every pass, and the recovery once.
package func repeatUntilShutdown(
    every interval: TimeInterval, on clock: any Clock<Duration>, name: String, logger: Logger,
    _ pass: () async throws -> Bool
) async {
    let backoff = RetryPolicy(baseDelay: interval, maxDelay: max(interval, 30), maxAttempts: .max)
    var failures = 0
    while !Task.isCancelled && !Task.isShuttingDownGracefully {
        var pause: TimeInterval? = interval
        do {
            if try await pass() { pause = nil }
            if failures > 0 {
                logger.notice("\(name) pass recovered", metadata: ["loop.failed_passes": "\(failures)"])
                failures = 0
            }
        } catch {
            failures += 1
            if failures & (failures - 1) == 0 {
                // The type only: a database error's text may quote a row, and rows hold subject data.
                logger.error(
                    "\(name) pass failed",
                    metadata: ["error.type": "\(type(of: error))", "loop.failed_passes": "\(failures)"])
            }
            pause = backoff.delay(afterAttempt: failures, random: 1)
        }
        if let pause {
            // A long interval (the alert evaluator's 30 s) must not hold a graceful shutdown up.
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: .milliseconds(Int64(pause * 1000))) }
        }
    }
}
