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
    /// The columns of `processor_exchanges` ``init(reading:requestID:)`` needs, in `SELECT` order.
    static let columns = "kind, at, received, signature, domain, chain, sent, sent_sha256, status"

    /// A request's kept exchanges, oldest first; `parameter` spells the engine's first parameter.
    static func selectByRequest(parameter: String) -> String {
        "SELECT \(columns) FROM processor_exchanges WHERE request_id = \(parameter) ORDER BY id"
    }

    /// Erases the bodies sent for a request whose subject is erased (they name it); `parameter` spells the engine's
    /// first parameter, the request's id. What stays (the SHA-256) still checks the record.
    static func eraseSent(parameter: String) -> String {
        "UPDATE processor_exchanges SET sent = NULL WHERE request_id = \(parameter) AND sent IS NOT NULL"
    }

    /// Request `requestID`'s exchange, the body sent opened (nil once erased with the subject).
    init(reading reader: some StoreRowReader, requestID: UUID) throws {
        self.init(
            kind: try reader.value("kind"), at: try reader.date("at"), received: try reader.bytes("received"),
            signature: try reader.optionalText("signature"), domain: try reader.optionalText("domain"),
            chainPEM: try reader.optionalText("chain"))
        sent = try reader.optionalText("sent").map {
            Array(try SubjectKeys.reveal($0, requestID: requestID, column: Self.sentColumn).utf8)
        }
        sentSHA256 = try reader.optionalText("sent_sha256")
        status = try reader.optionalInteger("status")
    }

    /// The body sent as stored: sealed like the subject it names.
    func sealedSent(keys: SubjectKeys, requestID: UUID) -> String? {
        sent.map { keys.seal(String(decoding: $0, as: UTF8.self), requestID: requestID, column: Self.sentColumn) }
    }

    /// The column the body sent is sealed for (bound into its seal, so it cannot be moved to another column or row).
    static let sentColumn = "sent"
}
