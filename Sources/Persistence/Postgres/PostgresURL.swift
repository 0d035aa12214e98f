import Foundation

/// Where the PostgreSQL database is: `postgres://user:password@host:port/database[?sslmode=disable|require]` (key
/// `store.postgres_url`; the password is a secret). Its description never shows the password.
///
/// Subject data crosses this connection, so it is encrypted unless the server is on loopback or `sslmode=disable`
/// says otherwise; `require` (the default elsewhere) also verifies the server's certificate against the system's
/// roots and its name, as libpq's `verify-full` does.
package struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String
    /// Whether the connection is encrypted (and the server's certificate verified).
    package var usesTLS: Bool

    /// Nil unless `text` is a `postgres://` or `postgresql://` URL with a host, a user and a database.
    package init?(_ text: String) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty, let username = components.user, !username.isEmpty
        else { return nil }
        let database = String(components.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else { return nil }
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
        case nil: usesTLS = !loopback
        case "disable": usesTLS = false
        case "require", "verify-full": usesTLS = true
        default: return nil
        }
        self.host = host
        self.port = components.port ?? 5432
        // URLComponents has already percent-decoded the user and password.
        self.username = username
        self.password = components.password
        self.database = database
    }

    /// The same server, another database (tests create one per test; the fleet tools point instances at one).
    package func with(database: String) -> PostgresURL {
        var url = self
        url.database = database
        return url
    }

    /// Without the password.
    package var description: String { text(password: password == nil ? nil : "***") }

    /// The URL with its password, to hand to a child process's configuration; never log it.
    package var connectionString: String {
        text(password: password?.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
    }

    private func text(password: String?) -> String {
        "postgres://\(username)\(password.map { ":" + $0 } ?? "")@\(host):\(port)/\(database)"
            + (usesTLS ? "" : "?sslmode=disable")
    }
}
