/// A storage failure the engines raise themselves (an engine's own errors, other than lost connections and timeouts,
/// pass through unchanged).
///
/// It names columns and codes only, never a stored value, so it can be logged as is.
package struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    package enum Code: String, Sendable {
        /// A stored value has the wrong type, is missing, or cannot be parsed.
        case corruptRow = "corrupt_row"
        /// A stored enum value (state, regulation, …) is not one this build knows.
        case unknownValue = "unknown_value"
        /// The database was migrated past this release's compatibility window (a contract step it does not know).
        case schemaTooNew = "schema_too_new"
        /// The database is behind this release's schema and the store was opened without migrating (a read-only
        /// command): start this release's gateway (`serve`) once first.
        case schemaTooOld = "schema_too_old"
        /// The file system refused write-ahead logging, which durability and concurrency rely on.
        case walUnavailable = "wal_unavailable"
        /// An update closure changed the request id, which is immutable.
        case idChanged = "id_changed"
        /// The store was used after `close()`.
        case closed
        /// The database could not be reached, lost the connection or did not answer in time. A write may still
        /// commit (whole, never half): trying again later with the same id or key is right.
        case unavailable
        /// A backup would overwrite a file: backups and restores only ever write new files.
        case backupTargetExists = "backup_target_exists"
        /// A backup file is not a whole gateway database (SQLite's integrity check failed, or a table is missing).
        case corruptBackup = "corrupt_backup"
        /// Subjects in the database are sealed with a key this process was not given (`store.encryption_key`, or the
        /// key file beside the database): nothing is read or written until it is.
        case subjectKeyMissing = "subject_key_missing"
    }

    package var code: Code
    /// The column involved, if any: a schema name, never a value.
    package var column: String?

    package init(code: Code, column: String? = nil) {
        self.code = code
        self.column = column
    }

    package var description: String {
        if code == .subjectKeyMissing {
            return
                "store error subject_key_missing: the database's subjects are sealed with a key this process was not "
                + "given; set store.encryption_key (and store.previous_encryption_keys) or put the key file back"
        }
        return column.map { "store error \(code.rawValue) in column \($0)" } ?? "store error \(code.rawValue)"
    }
}
