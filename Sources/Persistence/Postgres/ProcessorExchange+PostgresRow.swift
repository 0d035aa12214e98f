import AuditLog
import DSRCore
import Foundation
import PostgresNIO

extension ProcessorExchange {
    /// Keeps an exchange, with its digest, for request `$1`. The status is bound as the 64-bit integer Swift sends (a
    /// prepared statement's parameter takes its column's type otherwise, and the column is a 32-bit `INTEGER`).
    static let postgresInsert = """
        INSERT INTO processor_exchanges (request_id, kind, at, received, signature, domain, chain, digest, sent,
            sent_sha256, answer, answer_sha256, status)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::BIGINT)
        """

    /// The values for ``postgresInsert``; `digest` is ``EvidenceRecord/digest(requestID:exchange:)``.
    func postgresBinds(requestID: UUID, digest: String, keys: SubjectKeys) -> PostgresBindings {
        let sealed = sealedBodies(keys: keys, requestID: requestID)
        var binds = PostgresBindings(capacity: 13)
        binds.append(id: requestID)
        binds.append(value: kind)
        binds.append(date: at)
        binds.append(ByteBuffer(bytes: receivedColumn))
        binds.append(signature)
        binds.append(domain)
        binds.append(chainPEM)
        binds.append(digest)
        binds.append(sealed.sent)
        binds.append(sentSHA256)
        binds.append(sealed.answer)
        binds.append(receivedSHA256)
        binds.append(status)
        return binds
    }
}

extension PostgresRequestStore {
    package func exchanges(id: UUID) async throws -> [ProcessorExchange] {
        var binds = PostgresBindings()
        binds.append(id: id)
        return try await read(ProcessorExchange.selectByRequest(parameter: "$1"), binds).map {
            try ProcessorExchange(reading: PostgresRowReader(row: $0), requestID: id)
        }
    }
}
