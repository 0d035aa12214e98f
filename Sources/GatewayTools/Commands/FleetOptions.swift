import ArgumentParser
import Persistence

/// `--instances`, `--store` and `--postgres-url`: how many gateways a tool runs and on which store (`bench`, `soak`).
struct FleetOptions: ParsableArguments {
    @Option(help: "Gateway instances sharing the store; more than one needs --store postgres.")
    var instances = 1

    @Option(help: "Where the instances keep their data: sqlite (a file of the run's own) or postgres.")
    var store = "sqlite"

    @Option(help: "With --store postgres: a server on which the run creates databases of its own (dropped after).")
    var postgresURL: String?

    func validate() throws {
        guard instances > 0 else { throw ValidationError("--instances must be positive.") }
        guard ["sqlite", "postgres"].contains(store) else { throw ValidationError("--store is sqlite or postgres.") }
        guard instances == 1 || store == "postgres" else {
            throw ValidationError("several instances share PostgreSQL: add --store postgres.")
        }
        guard store == "sqlite" || postgresServer != nil else {
            throw ValidationError("--store postgres needs --postgres-url postgres://user@host:port/database.")
        }
    }

    /// The PostgreSQL server with `--store postgres`; nil for SQLite.
    var postgresServer: PostgresURL? { store == "postgres" ? postgresURL.flatMap(PostgresURL.init) : nil }

    /// "3 gateway instances on PostgreSQL".
    var summary: String {
        "\(instances) gateway instance\(instances == 1 ? "" : "s") on \(store == "postgres" ? "PostgreSQL" : "SQLite")"
    }
}
