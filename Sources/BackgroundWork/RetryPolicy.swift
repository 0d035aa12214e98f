import Foundation

/// Exponential backoff with full jitter and a retry budget.
package struct RetryPolicy: Sendable, Equatable {
    /// Delay before the first retry, in seconds.
    package var baseDelay: TimeInterval
    /// Largest delay between two attempts, in seconds.
    package var maxDelay: TimeInterval
    /// Attempts after which a request is failed for good.
    package var maxAttempts: Int

    /// The default budget (120 attempts, at most 15 minutes apart) rides out a processor outage of more than a day.
    package init(baseDelay: TimeInterval = 2, maxDelay: TimeInterval = 900, maxAttempts: Int = 120) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
    }

    /// The delay after `attempt` failed attempts (1-based): uniformly random in [cap/2, cap] where
    /// cap = min(maxDelay, baseDelay · 2^(attempt-1)). Half the cap is kept so retries never bunch at zero.
    package func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 30)))
        let cap = min(maxDelay, baseDelay * pow(2, exponent))
        return cap / 2 + cap / 2 * random
    }
}
