import Foundation
import Operations

/// What one alert evaluation round costs over a real scrape: parse the exposition, record the rules' families,
/// evaluate every default rule. A day of rounds at 30 s apart, so the volume rule's day of history is held too.
enum AlertEvaluationBench {
    struct Result {
        var rules: Int
        var lines: Int
        var rounds: Int
        var seconds: Double
    }

    static func run(exposition: String, rounds: Int) -> Result {
        let start = Date()
        let monitor = AlertMonitor(rules: DefaultAlertRules.rules, start: start)
        let clock = ContinuousClock()
        let began = clock.now
        for round in 0..<rounds {
            _ = monitor.evaluate(MetricsText(exposition), at: start.addingTimeInterval(Double(round) * 30))
        }
        let elapsed = clock.now - began
        return Result(
            rules: DefaultAlertRules.rules.count, lines: exposition.split(separator: "\n").count, rounds: rounds,
            seconds: elapsed / .seconds(1))
    }
}
