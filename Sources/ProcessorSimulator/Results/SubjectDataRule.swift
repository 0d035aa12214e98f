import Crypto
import Foundation

/// The simulator's deterministic stand-in for mParticle's identity resolution (docs/upstream-apis.md,
/// "Lifecycle and timing"):
///
/// - every identity value starts with `nodata-` → no profile matches; the results link answers 404;
/// - every identity value starts with `empty-` → a profile matches but holds no data; the archive holds `empty.txt`;
/// - otherwise one profile matches, with a profile line and three event batches.
///
/// The MPID is the `mpid` identity when given, else derived from a SHA-256 of the identities.
package enum SubjectDataRule {
    /// Identity-value prefix meaning "no records match" (404 from the results link).
    package static let noMatchPrefix = "nodata-"
    /// Identity-value prefix meaning "MPIDs matched but had no data" (`empty.txt`).
    package static let emptyProfilePrefix = "empty-"

    /// The profile a request's identities resolve to.
    struct MatchedProfile: Equatable {
        let mpid: Int64
        /// False when the MPID exists but holds no data (`empty.txt`).
        let hasData: Bool
    }

    /// Resolves `identities` (type → raw value); nil when no records match.
    static func resolve(_ identities: [String: String]) -> MatchedProfile? {
        let values = identities.values
        if !values.isEmpty, values.allSatisfy({ $0.hasPrefix(noMatchPrefix) }) { return nil }
        let mpid = identities["mpid"].flatMap(Int64.init) ?? derivedMPID(identities)
        let empty = !values.isEmpty && values.allSatisfy { $0.hasPrefix(emptyProfilePrefix) }
        return MatchedProfile(mpid: mpid, hasData: !empty)
    }

    private static func derivedMPID(_ identities: [String: String]) -> Int64 {
        let canonical = identities.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        let digest = Array(SHA256.hash(data: Data(canonical.utf8)))
        let raw = digest.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        return Int64(bitPattern: raw & UInt64(Int64.max))
    }
}
