/// One numbered step of an engine's schema. Each engine's list is append-only: never edit or reorder a shipped step,
/// add a new one. Each step runs in its own transaction and is recorded in `schema_migrations` with the oldest schema
/// version a release must know to keep running on it.
///
/// Steps are written expand/contract, so that during a deployment the previous release and the next run on one
/// schema: an *expand* step (a new table, a nullable column, an index) leaves `oldestCompatible` where the step before
/// had it, and the previous release starts on the newer schema and works; a *contract* step (dropping or renaming what
/// a release still uses) raises it, and a release older than that refuses to start (``StoreError/Code/schemaTooNew``).
package struct Migration: Sendable {
    package let version: Int
    package let name: String
    /// Run one by one.
    package let statements: [String]
    /// The oldest schema version a release must know to run on a database migrated this far.
    package let oldestCompatible: Int

    package init(version: Int, name: String, statements: [String], oldestCompatible: Int? = nil) {
        self.version = version
        self.name = name
        self.statements = statements
        self.oldestCompatible = oldestCompatible ?? version
    }
}

/// Where a database's schema stands against a release: the newest step applied and the oldest release it admits.
package struct SchemaStanding: Sendable, Equatable {
    package var version: Int
    package var oldestCompatible: Int

    /// Whether a release knowing migrations up to `known` may run on this schema: one at least as new as the schema,
    /// or one the schema's compatibility window still admits (a rollback across expand-only steps).
    package func admits(known: Int) -> Bool {
        version <= known || oldestCompatible <= known
    }

    /// Throws unless a release knowing migrations up to `known` may run on this schema, as it stands when
    /// `migrating` is false (nothing will be applied).
    func check(known: Int, migrating: Bool) throws {
        guard admits(known: known) else { throw StoreError(code: .schemaTooNew) }
        guard migrating || version >= known else { throw StoreError(code: .schemaTooOld) }
    }
}
