import Foundation

/// What became of a request's results archive (access and portability requests).
package struct ResultsRecord: Codable, Sendable, Equatable {
    /// Nil until the archive is stored or found absent.
    package var status: ResultsStatus?
    /// Where the archive is stored (a `file://` URL for the filesystem store).
    package var location: String?
    /// When the archive was stored; retention counts from here.
    package var storedAt: Date?
    /// Failed download attempts.
    package var attempts: Int

    package init(status: ResultsStatus? = nil, location: String? = nil, storedAt: Date? = nil, attempts: Int = 0) {
        self.status = status
        self.location = location
        self.storedAt = storedAt
        self.attempts = attempts
    }

    /// The location as the API and Baton show it: an object store's `s3://bucket/key` as it is; for the directory
    /// store only the archive's file name inside the results directory, never the machine's absolute path.
    package var shownLocation: String? {
        guard let location, location.hasPrefix("file://") else { return location }
        return URL(string: location)?.lastPathComponent
    }
}

/// The outcome of fetching a results archive.
package enum ResultsStatus: String, Codable, Sendable, CaseIterable {
    /// Downloaded and stored at `location`.
    case stored
    /// The processor found no data for the subject (404 from the results link).
    case noData = "no_data"
    /// The results link expired (410) and a fresh status gave no new link.
    case expired
    /// The results link was not under the processor's base URL, so it was not followed.
    case refused
    /// Stored, then deleted at the end of the retention period.
    case deleted
    /// Could not be fetched: too large, refused, or the retry budget ran out.
    case failed
}

/// Delivery of the Events API "erasure requested" user attributes (docs/upstream-apis.md, "Events API") for an
/// erasure.
package struct ErasureAttributesRecord: Codable, Sendable, Equatable {
    /// Nil when not applicable (not an erasure, or the Events API is not configured).
    package var status: ErasureAttributesStatus?
    /// Failed attempts.
    package var attempts: Int
    /// When to try again while `pending`.
    package var nextAttemptAt: Date?

    package init(status: ErasureAttributesStatus? = nil, attempts: Int = 0, nextAttemptAt: Date? = nil) {
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
}

/// Whether the erasure attributes reached mParticle.
package enum ErasureAttributesStatus: String, Codable, Sendable, CaseIterable {
    case pending
    case sent
}
