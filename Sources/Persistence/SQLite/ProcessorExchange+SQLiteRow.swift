import AuditLog
import DSRCore
import Foundation
import EmbeddedSQLite

extension ProcessorExchange {
    /// Keeps an exchange, with its digest, for request `?1`.
    static let sqliteInsert = """
        INSERT INTO processor_exchanges (request_id, kind, at, received, signature, domain, chain, digest, sent,
            sent_sha256, answer, answer_sha256, status)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
        """

    /// The values for ``sqliteInsert``; `digest` is ``EvidenceRecord/digest(requestID:exchange:)``.
    func sqliteBinds(requestID: UUID, digest: String, keys: SubjectKeys) -> [SQLiteData] {
        let sealed = sealedBodies(keys: keys, requestID: requestID)
        return [
            .id(requestID), .value(kind), .date(at), .blob(receivedColumn), .text(signature),
            .text(domain), .text(chainPEM), .text(digest), .text(sealed.sent), .text(sentSHA256), .text(sealed.answer),
            .text(receivedSHA256), status.map { .integer($0) } ?? .null,
        ]
    }
}

extension SQLiteRequestStore {
    package func exchanges(id: UUID) async throws -> [ProcessorExchange] {
        try await read(ProcessorExchange.selectByRequest(parameter: "?1"), [.id(id)]).map {
            try ProcessorExchange(reading: SQLiteRowReader(row: $0), requestID: id)
        }
    }
}
