import Foundation

/// A processor callback the gateway refused, kept as it arrived so that `dsr-gateway callback refused` can show it and
/// `dsr-gateway callback verify` can check it again, byte for byte. Everything but the reason, the detail and the
/// instant is what the sender claimed: it may be forged, and is never trusted.
package struct RefusedCallback: Sendable, Equatable {
    /// The store's sequence number (0 until stored): a newer callback has a larger one, and none is ever reused.
    package var id: Int64
    /// When it was refused.
    package var at: Date
    /// Why: a `CallbackRefusal` raw value (`missing_signature`, …), or for a failed chain or signature check of an
    /// allowed domain the `CallbackVerificationError` code (`signatureMismatch`, …).
    package var reason: String
    /// What the log said about it (names certificates, domains and dates; never body content).
    package var detail: String
    /// The path id as sent: a lowercased UUID, or `invalid`.
    package var claimedId: String
    /// The `X-OpenDSR-Processor-Domain` header as sent.
    package var domain: String?
    /// The `X-OpenDSR-Signature` header as sent.
    package var signature: String?
    /// The raw body.
    package var body: [UInt8]
    /// The sender's address as logged in `client.address`: the connection's peer, or the client a trusted proxy
    /// forwarded (`http.trusted_proxies`).
    package var remoteAddress: String?

    package init(
        id: Int64 = 0, at: Date, reason: String, detail: String, claimedId: String, domain: String?,
        signature: String?, body: [UInt8], remoteAddress: String? = nil
    ) {
        self.id = id
        self.at = at
        self.reason = reason
        self.detail = detail
        self.claimedId = claimedId
        self.domain = domain
        self.signature = signature
        self.body = body
        self.remoteAddress = remoteAddress
    }
}

/// Where refused callbacks are kept: a table bounded by whoever keeps them, newest first.
package protocol RefusedCallbackStore: Sendable {
    /// Stores `callback` under a new id (its own `id` is ignored) and deletes all but the newest `limit` kept, in one
    /// transaction.
    func keepRefusedCallback(_ callback: RefusedCallback, keeping limit: Int) async throws

    /// The newest `limit` kept, newest first.
    func refusedCallbacks(limit: Int) async throws -> [RefusedCallback]
}

extension RefusedCallback {
    /// The `refused_callbacks` columns but the id, in the order both engines bind them.
    static let insertedColumnList = "at, reason, detail, claimed_id, domain, signature, body, remote_address"

    /// The column list for `SELECT`.
    static let storedColumnList = "id, " + insertedColumnList

    /// Deletes every row but the newest `limit` (the only parameter, spelt as each engine does).
    static func pruneStatement(parameter: String) -> String {
        """
        DELETE FROM refused_callbacks
        WHERE id NOT IN (SELECT id FROM refused_callbacks ORDER BY id DESC LIMIT \(parameter))
        """
    }

    /// The newest rows first, at most `parameter` of them.
    static func selectNewest(parameter: String) -> String {
        "SELECT \(storedColumnList) FROM refused_callbacks ORDER BY id DESC LIMIT \(parameter)"
    }

    /// Decodes a row selected with ``storedColumnList``. A body stored as NULL (SQLite may bind an empty one so) reads
    /// back empty.
    init(reading reader: some StoreRowReader) throws {
        self.init(
            id: Int64(try reader.integer("id")), at: try reader.date("at"), reason: try reader.text("reason"),
            detail: try reader.text("detail"), claimedId: try reader.text("claimed_id"),
            domain: try reader.optionalText("domain"), signature: try reader.optionalText("signature"),
            body: try reader.optionalBytes("body") ?? [], remoteAddress: try reader.optionalText("remote_address"))
    }
}
