import Foundation

/// At most `perMinute` calls in any rolling 60 seconds, exactly as the processor counts them: the times of the last
/// `perMinute` calls are kept in a ring, and a call may go out once the oldest of them is a minute old.
struct RollingMinuteLimit: Sendable {
    private var times: [Date]
    private var oldest = 0

    init(perMinute: Int) {
        times = Array(repeating: .distantPast, count: max(1, perMinute))
    }

    /// Calls recorded in the minute before `now`: the ring is in time order from `oldest`, so a binary search.
    func used(at now: Date) -> Int {
        var low = 0
        var high = times.count
        while low < high {
            let middle = (low + high) / 2
            if now.timeIntervalSince(times[(oldest + middle) % times.count]) >= 60 {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return times.count - low
    }

    /// Records a call at `now` and returns nil, or returns the seconds until one may go out.
    mutating func take(at now: Date) -> TimeInterval? {
        let freeAt = times[oldest].addingTimeInterval(60)
        guard freeAt <= now else { return freeAt.timeIntervalSince(now) }
        times[oldest] = now
        oldest = (oldest + 1) % times.count
        return nil
    }
}
