import AuditLog
import DSRCore
import Foundation

extension [AuditEntry] {
    /// The entries, each carrying the digest of `exchange` (what caused them) when there is one.
    func citing(_ exchange: ProcessorExchange?, requestID: UUID) -> [AuditEntry] {
        guard let exchange else { return self }
        let digest = EvidenceRecord.digest(requestID: requestID, exchange: exchange)
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
