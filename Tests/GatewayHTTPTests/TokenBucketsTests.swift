import GatewayHTTP
import Testing

/// The rate limiter on a clock the test moves.
@Suite struct TokenBucketsTests {
    @Test func aBurstThenTheRateThenTheWait() {
        let buckets = TokenBuckets(perSecond: 2, burst: 4)
        let start = ContinuousClock.now
        for _ in 0..<4 { #expect(buckets.take("a", at: start) == nil) }
        #expect(buckets.take("a", at: start) == 0.5)
        // Another key has its own bucket.
        #expect(buckets.take("b", at: start) == nil)
        // Half a second later one token is back, and only one.
        #expect(buckets.take("a", at: start + .milliseconds(500)) == nil)
        #expect(buckets.take("a", at: start + .milliseconds(500)) != nil)
        // Idle for a minute: full again, but never past the burst.
        let later = start + .seconds(60)
        for _ in 0..<4 { #expect(buckets.take("a", at: later) == nil) }
        #expect(buckets.take("a", at: later) != nil)
    }

    @Test func manyKeysDoNotGrowTheTableWithoutBound() {
        let buckets = TokenBuckets(perSecond: 1, burst: 1, maxKeys: 100)
        let start = ContinuousClock.now
        for index in 0..<1000 { #expect(buckets.take("address-\(index)", at: start + .milliseconds(index)) == nil) }
        // The newest keys are remembered (spent); the oldest were forgotten (full again).
        #expect(buckets.take("address-999", at: start + .seconds(1) - .milliseconds(2)) != nil)
        #expect(buckets.take("address-0", at: start + .seconds(1)) == nil)
    }
}
