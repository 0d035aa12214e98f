import Foundation
import Persistence

/// A notification-worthy change: a rule started firing, is still firing after the repeat interval, or stopped.
package struct AlertTransition: Sendable, Equatable {
    package enum Kind: String, Sendable, Codable {
        case firing, repeated, resolved
    }

    package var rule: AlertRule
    package var kind: Kind
    package var value: Double?
    package var at: Date

    package init(rule: AlertRule, kind: Kind, value: Double?, at: Date) {
        self.rule = rule
        self.kind = kind
        self.value = value
        self.at = at
    }
}

/// Evaluates the rules against the metrics history on an injected clock: inactive → pending → firing → (resolved)
/// inactive. Only firing and resolved are transitions worth a notification, one each per breach, plus a reminder every
/// `repeatInterval` while an alert keeps firing.
package struct AlertEvaluator: Sendable {
    package let rules: [AlertRule]
    let repeatInterval: TimeInterval
    package private(set) var states: [String: AlertState]
    /// Per metric, only its own series, kept as long as the longest rule on it looks back (a day for the volume
    /// baseline, minutes for latency histograms): a whole scrape every 30 s for a day would be hundreds of MB.
    private var histories: [String: MetricsHistory]

    /// `states` restores what a previous run stored, so a restart neither re-notifies nor forgets.
    package init(rules: [AlertRule], states: [AlertState] = [], start: Date, repeatInterval: TimeInterval = 4 * 3600) {
        self.rules = rules
        self.repeatInterval = repeatInterval
        let restored = Dictionary(states.map { ($0.rule, $0) }, uniquingKeysWith: { $1 })
        self.states = Dictionary(
            uniqueKeysWithValues: rules.map { rule in
                (
                    rule.name,
                    restored[rule.name] ?? AlertState(rule: rule.name, phase: .inactive, since: start, value: nil)
                )
            })
        var retention: [String: TimeInterval] = [:]
        for rule in rules {
            retention[rule.metric] = max(retention[rule.metric] ?? 0, rule.window + (rule.baseline ?? 0))
            if let over = rule.over { retention[over] = max(retention[over] ?? 0, rule.window) }
        }
        histories = retention.mapValues { MetricsHistory(retention: $0) }
    }

    /// Takes the phases of the rules `states` names (another instance's, read from the store); the values stay this
    /// evaluator's own, computed from its latest scrape rather than stored at the holder's last phase change.
    package mutating func restore(_ states: [AlertState]) {
        for var state in states {
            guard let current = self.states[state.rule] else { continue }
            state.value = current.value ?? state.value
            self.states[state.rule] = state
        }
    }

    /// Records a scrape taken at `now` and moves every rule; returns the transitions to notify.
    package mutating func evaluate(_ metrics: MetricsText, at now: Date) -> [AlertTransition] {
        for metric in histories.keys { histories[metric]?.record(metrics.family(metric), at: now) }
        var transitions: [AlertTransition] = []
        for rule in rules {
            guard let history = histories[rule.metric] else { continue }
            let value = Self.value(of: rule, in: histories, at: now)
            var state = states[rule.name]!
            state.value = value
            // A rule decides only once its whole window (and baseline) is behind it: just (re)started, counters
            // counted from zero over a few scrapes would resolve a firing alert, then page it again.
            guard history.covers(now.addingTimeInterval(-rule.window - (rule.baseline ?? 0))) else {
                states[rule.name] = state
                continue
            }
            let breached = value.map { rule.below ? $0 < rule.threshold : $0 > rule.threshold } ?? false
            switch (state.phase, breached) {
            case (.inactive, true):
                state.phase = .pending
                state.since = now
                if rule.holdFor == 0 { fallthrough }
            case (.pending, true) where now.timeIntervalSince(state.since) >= rule.holdFor:
                state.phase = .firing
                state.since = now
                state.notifiedAt = now
                transitions.append(AlertTransition(rule: rule, kind: .firing, value: value, at: now))
            case (.firing, true) where now.timeIntervalSince(state.notifiedAt ?? state.since) >= repeatInterval:
                state.notifiedAt = now
                transitions.append(AlertTransition(rule: rule, kind: .repeated, value: value, at: now))
            case (.pending, false):
                state.phase = .inactive
                state.since = now
            case (.firing, false):
                state.phase = .inactive
                state.since = now
                state.notifiedAt = nil
                transitions.append(AlertTransition(rule: rule, kind: .resolved, value: value, at: now))
            default:
                break
            }
            states[rule.name] = state
        }
        return transitions
    }

    /// The rule's value at `now`, or nil when the metrics give nothing to compute from.
    static func value(of rule: AlertRule, in histories: [String: MetricsHistory], at now: Date) -> Double? {
        guard let history = histories[rule.metric] else { return nil }
        let start = now.addingTimeInterval(-rule.window)
        let exclude = rule.exclude
        switch rule.kind {
        case .ratio:
            let denominator = histories[rule.over ?? rule.metric] ?? history
            let total = denominator.increase(rule.over ?? rule.metric, [:], excluding: exclude, from: start, to: now)
            guard total > 0 else { return nil }
            return history.increase(rule.metric, rule.match, excluding: exclude, from: start, to: now) / total
        case .count:
            return history.increase(rule.metric, rule.match, excluding: exclude, from: start, to: now)
        case .percentile:
            let buckets = history.latest?.matching(rule.metric + "_bucket", rule.match, excluding: exclude) ?? []
            return MetricsText.quantile(
                rule.quantile ?? 0.5,
                buckets: buckets.map { bucket in
                    (
                        bucket.labels["le"] ?? "",
                        history.increase(rule.metric + "_bucket", bucket.labels, from: start, to: now)
                    )
                })
        case .gauge:
            let values = history.latest?.matching(rule.metric, rule.match, excluding: exclude).map(\.value) ?? []
            return rule.below ? values.min() : values.max()
        case .baselineRatio:
            let baseline = rule.baseline ?? rule.window
            let recent =
                history.increase(rule.metric, rule.match, excluding: exclude, from: start, to: now) / rule.window
            let before = history.increase(
                rule.metric, rule.match, excluding: exclude, from: start.addingTimeInterval(-baseline), to: start)
            guard before > 0 else { return nil }
            return recent / (before / baseline)
        }
    }
}
