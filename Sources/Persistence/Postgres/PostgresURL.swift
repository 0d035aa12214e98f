import Foundation

/// Where the PostgreSQL database is: `postgres://user:password@host:port/database` (key `store.postgres_url`; the
/// password is a secret). Its description never shows the password.
package struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String

    /// Nil unless `text` is a `postgres://` or `postgresql://` URL with a host, a user and a database.
    package init?(_ text: String) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty, let username = components.user, !username.isEmpty
        else { return nil }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else { return nil }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username.removingPercentEncoding ?? username
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
    }

    /// The same server, another database (tests create one per test; the fleet tools point instances at one).
    package func with(database: String) -> PostgresURL {
        var url = self
        url.database = database
        return url
    }

    package var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }
}
