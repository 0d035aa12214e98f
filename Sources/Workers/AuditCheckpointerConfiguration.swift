import Foundation

/// How the audit log is sealed: who signs its checkpoints, how often, and where copies go (`audit.*`).
package struct AuditCheckpointerConfiguration: Sendable {
    /// The checkpoints' origin line (which log they are about), and the name of a generated key.
    package var origin: String
    /// Seconds between checkpoints (one is also signed at shutdown).
    package var interval: TimeInterval
    /// A directory to write each checkpoint to as well, ideally on another machine's storage: only a checkpoint kept
    /// elsewhere catches a truncated or rebuilt log.
    package var copyDirectory: String?
    /// A URL each new checkpoint is also posted to (the signed note, `text/plain`), e.g. a witness or a log
    /// collector on another machine.
    package var copyURL: String?
    /// `audit.signing_key` (secret); nil uses ``keyFile``.
    package var signingKey: String?
    /// `audit.previous_signing_key` (secret): the key being retired during a rotation.
    package var previousSigningKey: String?
    /// Where the generated key is kept when ``signingKey`` is unset; nil: beside the SQLite database, or
    /// `dsr-gateway-audit.key` in the working directory with PostgreSQL.
    package var keyFile: String?

    package init(
        origin: String = "dsr-gateway/audit", interval: TimeInterval = 60, copyDirectory: String? = nil,
        copyURL: String? = nil, signingKey: String? = nil, previousSigningKey: String? = nil, keyFile: String? = nil
    ) {
        self.origin = origin
        self.interval = interval
        self.copyDirectory = copyDirectory
        self.copyURL = copyURL
        self.signingKey = signingKey
        self.previousSigningKey = previousSigningKey
        self.keyFile = keyFile
    }
}
