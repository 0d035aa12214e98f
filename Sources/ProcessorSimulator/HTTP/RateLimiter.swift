import Foundation
import Synchronization

/// mParticle's workspace limits on the injected clock: requests per rolling minute (GET, POST and DELETE
/// together) and new requests (POST) per UTC day (docs/upstream-apis.md, "Rate limits").
final class RateLimiter: Sendable {
    /// The answer for one request.
    enum Decision: Equatable {
        /// Admitted; the largest share of a limit now consumed, as `X-mp-rate-limit-percentage-used`.
        case allowed(percentageUsed: Int)
        /// Refused; whole seconds until a slot frees, as `Retry-After`.
        case limited(retryAfter: Int)
    }

    private struct State {
        var minute: [Date] = []
        var day: Int = 0
        var submissionsToday = 0
        var busiestMinute = 0
    }

    private let perMinute: Int
    private let submissionsPerDay: Int
    private let state = Mutex(State())

    init(perMinute: Int, submissionsPerDay: Int) {
        self.perMinute = perMinute
        self.submissionsPerDay = submissionsPerDay
    }

    /// The most calls counted in any rolling minute so far.
    var busiestMinute: Int { state.withLock { $0.busiestMinute } }

    /// Counts a request at `now` if a slot is free.
    func admit(isSubmission: Bool, now: Date) -> Decision {
        state.withLock { state in
            roll(&state, to: now)
            if isSubmission, state.submissionsToday >= submissionsPerDay {
                let nextDay = Date(timeIntervalSince1970: TimeInterval(state.day + 1) * 86_400)
                return .limited(retryAfter: Self.wholeSeconds(nextDay.timeIntervalSince(now)))
            }
            if state.minute.count >= perMinute, let oldest = state.minute.first {
                return .limited(retryAfter: Self.wholeSeconds(oldest.addingTimeInterval(60).timeIntervalSince(now)))
            }
            state.minute.append(now)
            state.busiestMinute = max(state.busiestMinute, state.minute.count)
            if isSubmission { state.submissionsToday += 1 }
            return .allowed(percentageUsed: percentage(state))
        }
    }

    /// The largest share of a limit consumed at `now`, in whole percent.
    func percentageUsed(now: Date) -> Int {
        state.withLock { state in
            roll(&state, to: now)
            return percentage(state)
        }
    }

    private func roll(_ state: inout State, to now: Date) {
        let cutoff = now.addingTimeInterval(-60)
        if let firstKept = state.minute.firstIndex(where: { $0 > cutoff }) {
            state.minute.removeFirst(firstKept)
        } else {
            state.minute.removeAll()
        }
        let day = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        if day != state.day {
            state.day = day
            state.submissionsToday = 0
        }
    }

    private func percentage(_ state: State) -> Int {
        let minuteShare = state.minute.count * 100 / max(perMinute, 1)
        let dayShare = state.submissionsToday * 100 / max(submissionsPerDay, 1)
        return min(100, max(minuteShare, dayShare))
    }

    private static func wholeSeconds(_ interval: TimeInterval) -> Int {
        max(1, Int(interval.rounded(.up)))
    }
}
