import DSRCore
import Foundation

/// Computes lifecycle plans from the configuration (docs/upstream-apis.md, "Lifecycle and timing").
///
/// - Erasure: waiting period (7 days, or 12 hours with `skip_waiting_period`), then `in_progress` for the
///   processing duration (48 hours).
/// - Access/portability: picked up by the next Monday/Thursday 00:00 UTC run strictly after receipt (or after
///   a fixed delay), then `in_progress` for the compilation duration (1 hour).
/// - `expected_completion_time` = processing start + 48 hours, "the time it will be scheduled for processing
///   plus 48 hours".
struct LifecycleSchedule: Sendable {
    let configuration: SimulatorConfiguration

    /// The plan of a request of `type` received at `receivedAt`.
    func plan(type: RequestType, receivedAt: Date, skipWaitingPeriod: Bool) -> LifecyclePlan {
        let start: Date
        let duration: TimeInterval
        switch type {
        case .erasure:
            let wait = skipWaitingPeriod ? configuration.erasureShortWaitingPeriod : configuration.erasureWaitingPeriod
            start = receivedAt.addingTimeInterval(wait)
            duration = configuration.erasureProcessingDuration
        case .access, .portability:
            switch configuration.accessSchedule {
            case .mondayThursdayRuns: start = Self.nextRun(after: receivedAt)
            case .fixedDelay(let delay): start = receivedAt.addingTimeInterval(delay)
            }
            duration = configuration.accessCompilationDuration
        }
        return LifecyclePlan(
            processingStartsAt: start,
            completesAt: start.addingTimeInterval(duration),
            expectedCompletion: start.addingTimeInterval(configuration.expectedCompletionMargin)
        )
    }

    /// The first Monday or Thursday 00:00 UTC strictly after `date`.
    static func nextRun(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let midnight = calendar.startOfDay(for: date)
        for offset in 0...7 {
            let candidate = midnight.addingTimeInterval(TimeInterval(offset) * 86_400)
            let weekday = calendar.component(.weekday, from: candidate)
            // Gregorian weekdays: 2 = Monday, 5 = Thursday.
            if candidate > date && (weekday == 2 || weekday == 5) { return candidate }
        }
        preconditionFailure("every 8-day span contains a Monday or Thursday midnight")
    }
}
