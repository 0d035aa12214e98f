import Foundation

/// The fleet's use of the processor workspace's limits, kept in the store so that every gateway instance counts
/// against one budget and a restart forgets nothing (docs/fleet.md, "One workspace limit"). Only the rules in
/// OpenDSR's `WorkspaceLimits` change it, always through a ``WorkspaceBudgetLedger``; instants are the ledger's clock.
package struct WorkspaceBudget: Equatable, Sendable {
    /// When each call of the last rolling window went out, oldest first: one entry per permit in use.
    package var permits: [Date] = []
    /// No call goes out before this instant (after a 429).
    package var pausedUntil: Date?
    /// The UTC day `submissionsToday` counts (days since 1970).
    package var submissionsDay = 0
    /// New requests submitted on `submissionsDay`.
    package var submissionsToday = 0
    /// The processor's latest `X-mp-rate-limit-percentage-used` reading, and when it was taken.
    package var usage: UsageReading?
    /// When the latest call went out.
    package var lastAdmitted: Date?
    /// When the latest call that was not a background read asked for a permit.
    package var lastForeground: Date?

    package init() {}
}

/// How much of its rate limit the processor said the workspace had used, and when.
package struct UsageReading: Equatable, Sendable {
    package var percent: Int
    package var at: Date

    package init(percent: Int, at: Date) {
        self.percent = percent
        self.at = at
    }

    /// The percentage while the reading is less than a minute old at `now`, else nil.
    package func percent(freshAt now: Date) -> Int? {
        now.timeIntervalSince(at) < 60 ? percent : nil
    }
}

/// Where the fleet's ``WorkspaceBudget`` is kept: the store, so that every instance changes the same budget, one
/// change at a time.
package protocol WorkspaceBudgetLedger: Sendable {
    /// Reads the budget (a fresh one the first time), lets `change` modify it at the ledger's clock reading, and
    /// writes it back if it changed, atomically with every other instance's changes. `now` is the caller's clock
    /// reading: an engine whose clock the whole fleet shares (PostgreSQL) reads its own instead.
    func changeWorkspaceBudget<T: Sendable>(
        at now: Date, _ change: @escaping @Sendable (inout WorkspaceBudget, Date) -> T
    ) async throws -> T
}

extension WorkspaceBudget: Codable {
    private enum CodingKeys: String, CodingKey {
        case permits, pausedUntil, submissionsDay, submissionsToday, usagePercent, usageAt, lastAdmitted,
            lastForeground
    }

    /// Instants as the `Double` inside each `Date` (lossless), the permits — up to a thousand of them — as the base64 of their
    /// little-endian bit patterns, so a stored budget stays near 11 KB.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(permits.count * 8)
        for permit in permits {
            withUnsafeBytes(of: permit.timeIntervalSinceReferenceDate.bitPattern.littleEndian) {
                bytes.append(contentsOf: $0)
            }
        }
        try container.encode(Data(bytes).base64EncodedString(), forKey: .permits)
        try container.encodeIfPresent(pausedUntil?.timeIntervalSinceReferenceDate, forKey: .pausedUntil)
        try container.encode(submissionsDay, forKey: .submissionsDay)
        try container.encode(submissionsToday, forKey: .submissionsToday)
        try container.encodeIfPresent(usage?.percent, forKey: .usagePercent)
        try container.encodeIfPresent(usage?.at.timeIntervalSinceReferenceDate, forKey: .usageAt)
        try container.encodeIfPresent(lastAdmitted?.timeIntervalSinceReferenceDate, forKey: .lastAdmitted)
        try container.encodeIfPresent(lastForeground?.timeIntervalSinceReferenceDate, forKey: .lastForeground)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? {
            try container.decodeIfPresent(Double.self, forKey: key).map(Date.init(timeIntervalSinceReferenceDate:))
        }
        let text = try container.decode(String.self, forKey: .permits)
        guard let bytes = Data(base64Encoded: text), bytes.count % 8 == 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .permits, in: container, debugDescription: "not base64 of 8-byte instants")
        }
        permits = stride(from: 0, to: bytes.count, by: 8).map { start in
            let bits = bytes[bytes.startIndex + start..<bytes.startIndex + start + 8].reversed()
                .reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits))
        }
        pausedUntil = try date(.pausedUntil)
        submissionsDay = try container.decode(Int.self, forKey: .submissionsDay)
        submissionsToday = try container.decode(Int.self, forKey: .submissionsToday)
        if let percent = try container.decodeIfPresent(Int.self, forKey: .usagePercent), let at = try date(.usageAt) {
            usage = UsageReading(percent: percent, at: at)
        }
        lastAdmitted = try date(.lastAdmitted)
        lastForeground = try date(.lastForeground)
    }
}
