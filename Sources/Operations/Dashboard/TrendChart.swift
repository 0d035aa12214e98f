import Foundation

/// A small time-series chart in inline SVG (no scripts): one value per step over the last hour (1-minute steps) or day
/// (15-minute steps). Steps before the history starts are gaps, not zeros. The `svg` carries `data-chart` and
/// `data-values` (one entry per step, empty for a gap) so tests and scrapers can read what is drawn.
struct TrendChart {
    enum Span: String, CaseIterable {
        case hour, day

        var duration: TimeInterval { self == .hour ? 3600 : 86_400 }
        var step: TimeInterval { self == .hour ? 60 : 900 }
        var steps: Int { Int(duration / step) }
        var title: String { self == .hour ? "last hour, per minute" : "last day, per 15 minutes" }
    }

    /// What one step shows.
    enum Measure {
        /// How much happened during the step.
        case change((TrendChange) -> Double?)
        /// A level at the end of the step.
        case level((TrendSample) -> Double)
    }

    let key: String
    let span: Span
    let measure: Measure
    let unit: String

    /// The value of every step, oldest first; nil where the history does not reach.
    func values(_ history: TrendHistory) -> [Double?] {
        (0..<span.steps).map { index in
            let end = history.now.at.addingTimeInterval(-Double(span.steps - 1 - index) * span.step)
            guard end >= history.since, let atEnd = history.sample(at: end) else { return nil }
            switch measure {
            case .change(let value):
                return value(TrendChange(from: history.sample(at: end.addingTimeInterval(-span.step)), to: atEnd))
            case .level(let value):
                return value(atEnd)
            }
        }
    }

    func svg(_ history: TrendHistory) -> String {
        let values = values(history)
        let width = 300.0
        let height = 48.0
        let top = values.compactMap { $0 }.max() ?? 0
        let x = { (index: Int) in width * Double(index) / Double(max(span.steps - 1, 1)) }
        let y = { (value: Double) in height - height * value / (top > 0 ? top : 1) }
        let points = values.enumerated().compactMap { index, value in
            value.map { String(format: "%.1f,%.1f", x(index), y($0)) }
        }.joined(separator: " ")
        let listed = values.map { $0.map(Self.format) ?? "" }.joined(separator: ",")
        return """
            <figure><svg data-chart="\(key)-\(span.rawValue)" data-values="\(listed)" width="100%" height="64" \
            viewBox="-2 -12 \(Int(width) + 4) \(Int(height) + 14)" font-size="10" role="img">\
            <line x1="0" y1="\(Int(height))" x2="\(Int(width))" y2="\(Int(height))" stroke="#dde1e8"/>\
            <polyline points="\(points)" fill="none" stroke="#4c78a8" stroke-width="1.5"/>\
            <text x="0" y="-2" fill="#4a5160">max \(Self.format(top))\(unit)</text></svg>\
            <figcaption>\(span.title)</figcaption></figure>
            """
    }

    static func format(_ value: Double) -> String {
        String(format: value == value.rounded() ? "%.0f" : "%.1f", value)
    }
}
