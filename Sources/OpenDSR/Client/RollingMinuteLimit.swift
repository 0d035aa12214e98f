import Foundation

/// At most `perMinute` calls in any rolling 60 seconds, as the processor counts them: the times of the last
/// `perMinute` calls are kept in a ring, and a call may go out once the oldest of them is ``window`` old. The window
/// is a minute and a second: the processor counts a call when it arrives, a little after we send it, and a slot
/// reused the instant our minute ends could still be inside the processor's (the benchmark saw exactly that: eight
/// 429s at the one-minute mark).
struct RollingMinuteLimit: Sendable {
    /// How long a call counts against the limit here.
    static let window: TimeInterval = 61

    private var times: [Date]
    private var oldest = 0

    init(perMinute: Int) {
        times = Array(repeating: .distantPast, count: max(1, perMinute))
    }

    /// Nil while fewer than `cap` calls were recorded in the minute before `now`, else the seconds until that holds.
    func wait(below cap: Int, at now: Date) -> TimeInterval? {
        let inWindow = used(at: now)
        guard inWindow >= cap else { return nil }
        // In-window calls are the newest `inWindow` of the ring; the one whose ageing out leaves cap - 1 of them.
        let first = times.count - inWindow
        let freed = times[(oldest + first + inWindow - cap) % times.count].addingTimeInterval(Self.window)
        return freed.timeIntervalSince(now)
    }

    /// Calls recorded in the minute before `now`: the ring is in time order from `oldest`, so a binary search.
    func used(at now: Date) -> Int {
        var low = 0
        var high = times.count
        while low < high {
            let middle = (low + high) / 2
            if now.timeIntervalSince(times[(oldest + middle) % times.count]) >= Self.window {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return times.count - low
    }

    /// Records a call at `now` and returns nil, or returns the seconds until one may go out.
    mutating func take(at now: Date) -> TimeInterval? {
        let freeAt = times[oldest].addingTimeInterval(Self.window)
        guard freeAt <= now else { return freeAt.timeIntervalSince(now) }
        times[oldest] = now
        oldest = (oldest + 1) % times.count
        return nil
    }
}
