import Foundation
import Synchronization

/// Lets through at most `perMinute` log lines a minute for each key (a refusal reason, say); the rest are held back
/// and counted, and the next line let through says how many. Metrics count every event; this only keeps a flood of
/// them from filling the disk with identical lines.
package final class LogThrottle: Sendable {
    private struct Window {
        var start: Date
        var logged = 0
        var heldBack = 0
    }

    private let perMinute: Int
    private let windows = Mutex<[String: Window]>([:])

    package init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// nil: hold this line back. Otherwise log it, with the number of lines of `key` held back since the last one.
    package func admit(_ key: String, at now: Date = Date()) -> Int? {
        windows.withLock { windows in
            var window = windows[key] ?? Window(start: now)
            if now.timeIntervalSince(window.start) >= 60 {
                window = Window(start: now, heldBack: window.heldBack)
            }
            defer { windows[key] = window }
            guard window.logged < perMinute else {
                window.heldBack += 1
                return nil
            }
            window.logged += 1
            let heldBack = window.heldBack
            window.heldBack = 0
            return heldBack
        }
    }
}
