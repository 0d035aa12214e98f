import Foundation
import Persistence

/// What a soak run's gateways run on: how many instances, which store, and where access results go.
struct SoakTopology: Sendable {
    /// Gateway processes sharing the store (more than one needs PostgreSQL).
    var instances = 1
    /// A PostgreSQL server on which the run creates a database of its own (dropped when the run passes); nil: each
    /// run's own SQLite file.
    var postgresServer: PostgresURL?
    /// An S3-compatible endpoint whose bucket (created when missing) receives the access results, with credentials
    /// from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`; nil: a results directory.
    var s3Endpoint: String?
    var s3Bucket = "dsr-gateway-soak"

    /// How the run is described in its first line.
    var summary: String {
        let store = postgresServer.map { "PostgreSQL on \($0.host):\($0.port)" } ?? "SQLite"
        let results = s3Endpoint.map { "S3 bucket \(s3Bucket) at \($0)" } ?? "a results directory"
        return "\(instances) gateway instance\(instances == 1 ? "" : "s") on \(store), results in \(results)"
    }
}
