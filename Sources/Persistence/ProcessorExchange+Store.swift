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
    static let columns =
        "kind, at, received, signature, domain, chain, sent, sent_sha256, answer, answer_sha256, status"

    /// A request's kept exchanges, oldest first; `parameter` spells the engine's first parameter.
    static func selectByRequest(parameter: String) -> String {
        "SELECT \(columns) FROM processor_exchanges WHERE request_id = \(parameter) ORDER BY id"
    }

    /// The columns a call seals its bodies in (each bound into its seal, so it cannot move to another column or row).
    /// A trigger sets both to NULL in the transaction that erases the request's subject; their SHA-256s stay.
    static let sealedColumns = ["sent", "answer"]

    /// Request `requestID`'s exchange, a call's bodies opened (nil once erased with the subject).
    init(reading reader: some StoreRowReader, requestID: UUID) throws {
        self.init(
            kind: try reader.value("kind"), at: try reader.date("at"), received: nil,
            signature: try reader.optionalText("signature"), domain: try reader.optionalText("domain"),
            chainPEM: try reader.optionalText("chain"))
        sent = try Self.opened(reader.optionalText("sent"), requestID: requestID, column: "sent")
        sentSHA256 = try reader.optionalText("sent_sha256")
        receivedSHA256 = try reader.optionalText("answer_sha256")
        received =
            isCall
            ? try Self.opened(reader.optionalText("answer"), requestID: requestID, column: "answer")
            : try reader.bytes("received")
        status = try reader.optionalInteger("status")
    }

    /// A call's bodies as stored in `sent` and `answer`: sealed like the subject they may name (base64 inside the
    /// seal, so any bytes come back as they were); nil for a callback's.
    func sealedBodies(keys: SubjectKeys, requestID: UUID) -> (sent: String?, answer: String?) {
        func sealed(_ body: [UInt8]?, _ column: String) -> String? {
            body.map { keys.seal(Data($0).base64EncodedString(), requestID: requestID, column: column) }
        }
        return isCall ? (sealed(sent, "sent"), sealed(received, "answer")) : (nil, nil)
    }

    private static func opened(_ stored: String?, requestID: UUID, column: String) throws -> [UInt8]? {
        guard let stored else { return nil }
        guard let body = Data(base64Encoded: try SubjectKeys.reveal(stored, requestID: requestID, column: column))
        else { throw StoreError(code: .corruptRow, column: column) }
        return Array(body)
    }

    /// What the `received` column holds: a callback's body; a call's answer goes sealed in `answer` instead.
    var receivedColumn: [UInt8] { isCall ? [] : received ?? [] }
}
