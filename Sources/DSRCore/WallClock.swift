import Foundation
import Synchronization

/// The source of "now" for every component, injected so time can be moved in tests and in the simulator, and the
/// clock background loops wait on between passes.
package protocol WallClock: Sendable {
    var now: Date { get }
    /// What loops sleep on: the continuous clock, unless a test steps time itself (TestSupport's `TestClock`).
    var timer: any Clock<Duration> { get }
}

extension WallClock {
    package var timer: any Clock<Duration> { ContinuousClock() }
}

/// The real wall clock.
package struct SystemWallClock: WallClock {
    package init() {}
    package var now: Date { Date() }
}

/// A wall clock that only moves when told to: tests, the demo and the simulator's lifecycle use it. Loops still wait
/// in real time on it, so an end-to-end test's workers keep polling while its dates stand still.
package final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    package init(_ start: Date) { current = Mutex(start) }

    package var now: Date { current.withLock { $0 } }

    package func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    package func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
