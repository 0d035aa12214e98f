import AuditLog
import DSRCore
import Foundation

extension [AuditEntry] {
    /// The entries, each carrying `digest` (of the exchange that caused them) when there is one.
    func citing(_ digest: String?) -> [AuditEntry] {
        guard let digest else { return self }
        return map { entry in
            var cited = entry
            cited.evidence = digest
            return cited
        }
    }
}

extension ProcessorExchange {
    /// The columns of `processor_exchanges` ``init(reading:)`` needs, in `SELECT` order.
    static let columns = "kind, at, received, signature, domain, chain"

    /// A request's kept exchanges, oldest first; `parameter` spells the engine's first parameter.
    static func selectByRequest(parameter: String) -> String {
        "SELECT \(columns) FROM processor_exchanges WHERE request_id = \(parameter) ORDER BY id"
    }

    init(reading reader: some StoreRowReader) throws {
        self.init(
            kind: try reader.value("kind"), at: try reader.date("at"), received: try reader.bytes("received"),
            signature: try reader.optionalText("signature"), domain: try reader.optionalText("domain"),
            chainPEM: try reader.optionalText("chain"))
    }
}
