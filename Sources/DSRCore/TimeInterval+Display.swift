import Foundation

extension TimeInterval {
    /// Whole seconds rounded up for messages, safe for any value: non-finite or out-of-range values never trap.
    package var wholeSecondsForDisplay: Int {
        guard isFinite else { return 0 }
        return Int(Swift.min(Swift.max(rounded(.up), 0), 1e12))
    }
}
