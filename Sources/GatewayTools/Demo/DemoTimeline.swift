import DSRCore
import Foundation

/// Prints each request's audit entries once, as they appear, against simulated time since the demo started.
struct DemoTimeline {
    let start: Date
    private var printed: [String: Int] = [:]
    private var labels: [String: String] = [:]

    init(start: Date) {
        self.start = start
    }

    mutating func name(_ id: String, as label: String) {
        labels[id] = label
    }

    /// Prints the entries of `snapshot` not printed before.
    mutating func show(_ snapshot: RequestSnapshot) {
        let seen = printed[snapshot.id, default: 0]
        for entry in snapshot.audit.dropFirst(seen) {
            let move = entry.toState.map { to in entry.fromState.map { "\($0) → \(to)" } ?? "→ \(to)" } ?? entry.event
            let label = labels[snapshot.id] ?? snapshot.type
            let what = "\(label) \(snapshot.id.prefix(8))".padding(toLength: 22, withPad: " ", startingAt: 0)
            let detail = [entry.actor, entry.detail].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            print("  \(offset(entry.at))  \(what) \(move.padding(toLength: 24, withPad: " ", startingAt: 0)) \(detail)")
        }
        printed[snapshot.id] = snapshot.audit.count
    }

    /// `T+3d 04:15` since the start of the demo.
    func offset(_ date: Date) -> String {
        let seconds = max(0, Int(date.timeIntervalSince(start)))
        let (days, rest) = seconds.quotientAndRemainder(dividingBy: 86_400)
        return String(format: "T+%dd %02d:%02d", days, rest / 3600, rest % 3600 / 60)
    }
}
