import DSRCore
import Foundation

/// The processor workspace's limits and the rules that spend a ``WorkspaceBudget`` on them, the same for every
/// instance of a fleet (docs/upstream-apis.md, "Rate limits"; docs/fleet.md, "One workspace limit"):
/// - at most `requestsPerMinute` calls in any rolling minute (default 1000): each call holds a permit for
///   ``window``, so whatever the instances do together, no minute holds more;
/// - at most `submissionsPerDay` new requests per UTC day (default 80,000);
/// - after a 429, nothing is sent until its `Retry-After` has passed;
/// - before a 429: once a 2xx answer's `X-mp-rate-limit-percentage-used` reaches `slowDownFrom` (default 80), calls
///   other than urgent ones are spaced out in proportion to the headroom left: at 90 % half the configured rate, at
///   99 % a twentieth, at 100 % (when other clients' calls, not ours, fill the minute) nothing until that reading is
///   a minute old;
/// - priorities (``CallPriority``): a backlog of submissions cannot hold back the certificate lookups callbacks wait
///   on, and however many requests are stale, re-reads cannot starve submissions.
package struct WorkspaceLimits: Sendable {
    /// How long a call holds its permit: a minute and a second. The processor counts a call when it arrives, a little
    /// after we send it, and a permit reused the instant our minute ends could still be inside the processor's (the
    /// benchmark saw exactly that: eight 429s at the one-minute mark).
    package static let window: TimeInterval = 61

    /// The pause after a 429 that carried no `Retry-After`, in seconds.
    package static let defaultPause: TimeInterval = 30

    package let requestsPerMinute: Int
    package let submissionsPerDay: Int
    package let slowDownFrom: Int
    /// Permits only urgent calls may take: 1 % (at least one) when the limit is above one.
    private let reserve: Int
    private let fullRateSpacing: TimeInterval

    package init(requestsPerMinute: Int = 1000, submissionsPerDay: Int = 80_000, slowDownFrom: Int = 80) {
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.submissionsPerDay = submissionsPerDay
        self.slowDownFrom = min(max(slowDownFrom, 1), 99)
        reserve = requestsPerMinute > 1 ? max(1, requestsPerMinute / 100) : 0
        fullRateSpacing = 60 / Double(self.requestsPerMinute)
    }

    /// Days since 1970 in UTC: the daily submission cap resets at midnight UTC.
    private static func day(_ date: Date) -> Int { Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }

    /// Nil when a call may go out at `reading` (the ledger's clock), recording it in `budget`; else why not and for
    /// how many seconds. `submission` marks a `POST /requests`, which also counts against the daily cap.
    package func admit(
        _ budget: inout WorkspaceBudget, submission: Bool, priority: CallPriority, at reading: Date
    ) -> (reason: String, wait: TimeInterval)? {
        // Permits stay in time order: a call whose clock was read before another's was recorded counts as made with it.
        let now = max(reading, budget.permits.last ?? reading)
        forgetOld(&budget, now: now)
        if let until = budget.pausedUntil, until > now {
            return ("paused after a 429 from the processor", until.timeIntervalSince(now))
        }
        if Self.day(now) != budget.submissionsDay {
            budget.submissionsDay = Self.day(now)
            budget.submissionsToday = 0
        }
        if submission && budget.submissionsToday >= submissionsPerDay {
            let midnight = Date(timeIntervalSince1970: Double(budget.submissionsDay + 1) * 86_400)
            return ("daily cap of \(submissionsPerDay) new requests reached", midnight.timeIntervalSince(now))
        }
        if let held = share(priority, &budget, now: now) { return held }
        if priority != .urgent, let held = slowDownHolds(budget, now: now) { return held }
        if let wait = wait(below: requestsPerMinute, in: budget, at: now) { return ("workspace rate limit", wait) }
        budget.permits.append(now)
        if submission { budget.submissionsToday += 1 }
        budget.lastAdmitted = now
        return nil
    }

    /// Holds every call back for `seconds` from `now` (never shortening a longer pause already in force), at most
    /// ``RetryAfter/maximum``: one answer cannot stop the fleet for longer.
    package func pause(_ budget: inout WorkspaceBudget, for seconds: TimeInterval?, at now: Date) {
        let until = now.addingTimeInterval(Self.pauseLength(seconds))
        budget.pausedUntil = max(budget.pausedUntil ?? until, until)
    }

    /// A `Retry-After` as a pause: clamped to 0…``RetryAfter/maximum``, ``defaultPause`` when missing or unusable.
    package static func pauseLength(_ seconds: TimeInterval?) -> TimeInterval {
        guard let seconds, seconds.isFinite else { return defaultPause }
        return min(max(seconds, 0), RetryAfter.maximum)
    }

    /// Records a usage reading taken at `at`, unless the budget holds a newer one.
    package func observe(_ budget: inout WorkspaceBudget, percentageUsed: Int, at: Date) {
        guard (budget.usage?.at ?? .distantPast) <= at else { return }
        budget.usage = UsageReading(percent: min(max(percentageUsed, 0), 100), at: at)
    }

    /// Keeps the permits that may still matter: the newest `requestsPerMinute`, none older than two windows (a fresh
    /// usage reading is at most a minute old, and ``slowDownHolds(_:now:)`` counts the window before it).
    private func forgetOld(_ budget: inout WorkspaceBudget, now: Date) {
        let horizon = now.addingTimeInterval(-2 * Self.window)
        let old = max(budget.permits.count - requestsPerMinute, firstIndex(after: horizon, in: budget.permits))
        if old > 0 { budget.permits.removeFirst(old) }
    }

    /// The index of the first permit taken after `instant` (the permits are in time order).
    private func firstIndex(after instant: Date, in permits: [Date]) -> Int {
        var low = 0
        var high = permits.count
        while low < high {
            let middle = (low + high) / 2
            if permits[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Calls that still hold a permit at `now`.
    private func used(_ budget: WorkspaceBudget, at now: Date) -> Int {
        budget.permits.count - firstIndex(after: now.addingTimeInterval(-Self.window), in: budget.permits)
    }

    /// Nil while fewer than `cap` permits are held at `now`, else the seconds until that holds.
    private func wait(below cap: Int, in budget: WorkspaceBudget, at now: Date) -> TimeInterval? {
        guard used(budget, at: now) >= cap else { return nil }
        // Held permits are the newest ones: the one whose release leaves cap - 1 of them.
        return budget.permits[budget.permits.count - cap].addingTimeInterval(Self.window).timeIntervalSince(now)
    }

    /// Holds a call that would take more of the rolling minute than its priority may.
    private func share(_ priority: CallPriority, _ budget: inout WorkspaceBudget, now: Date) -> (
        reason: String, wait: TimeInterval
    )? {
        switch priority {
        case .urgent:
            return nil
        case .normal:
            budget.lastForeground = now
            return wait(below: requestsPerMinute - reserve, in: budget, at: now).map {
                ("workspace rate limit (a reserve is kept for certificate lookups)", $0)
            }
        case .background:
            let busy = now.timeIntervalSince(budget.lastForeground ?? .distantPast) < 5
            let cap = busy ? (requestsPerMinute + 1) / 2 : requestsPerMinute - reserve
            return wait(below: cap, in: budget, at: now).map {
                (busy ? "half the workspace limit in use; background reads wait" : "workspace rate limit", $0)
            }
        }
    }

    /// The gap to keep since the last admitted call while the processor reports high usage, or nil at full rate.
    private func slowDownHolds(_ budget: WorkspaceBudget, now: Date) -> (reason: String, wait: TimeInterval)? {
        guard let usage = budget.usage, let percent = usage.percent(freshAt: now), percent >= slowDownFrom else {
            return nil
        }
        let next: Date
        if percent >= 100 {
            // Our own calls filled the processor's minute: the rolling limit already waits exactly as long as needed.
            if used(budget, at: usage.at) >= requestsPerMinute { return nil }
            // Others' calls did: the next one would be refused until that minute has rolled on.
            next = usage.at.addingTimeInterval(60)
        } else {
            next = (budget.lastAdmitted ?? .distantPast).addingTimeInterval(
                fullRateSpacing * Double(100 - slowDownFrom) / Double(100 - percent))
        }
        guard next > now else { return nil }
        // The same words whatever the percentage, so a request held pass after pass records it once (the figure is in
        // `/health` and the usage gauge).
        return ("processor reports \(slowDownFrom) % or more of its rate limit used", next.timeIntervalSince(now))
    }
}
