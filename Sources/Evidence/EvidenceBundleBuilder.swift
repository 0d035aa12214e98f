import AuditLog
import DSRCore
import Foundation
import Persistence

/// Builds a request's ``EvidenceBundle`` from the store: the request as stored, each of its audit entries (the exact
/// bytes of its leaf) with a C2SP `tlog-proof` against the latest signed checkpoint that covers it, and each callback
/// and each of the gateway's calls kept with a change (the exact bytes its entries' digest covers; for a call, also
/// the bodies sent and answered, until they are erased with the subject). The results archive's SHA-256 is in its
/// `results_stored` entry; the archive itself, and any file path, stay out.
package struct EvidenceBundleBuilder: Sendable {
    private let store: any GatewayStore
    private let signers: [NoteSigner]

    package init(store: any GatewayStore, signers: [NoteSigner]) {
        self.store = store
        self.signers = signers
    }

    /// Nil for an unknown id. Entries written after the latest checkpoint go in without a proof (the next checkpoint,
    /// within `audit.checkpoint_interval_seconds`, covers them).
    package func bundle(for id: UUID) async throws -> EvidenceBundle? {
        guard var request = try await store.request(id: id) else { return nil }
        request.results.location = request.results.shownLocation
        var files = [EvidenceBundle.requestName: Array(try JSONCoding.encoder().encode(request))]
        let rows = try await store.auditLogRows(requestID: id)
        let checkpoint = try await store.latestAuditCheckpoint()
        var leaves: [TreeHash] = []
        if let checkpoint, rows.contains(where: { ($0.position ?? .max) < checkpoint.size }) {
            leaves = try await store.auditLogRows(from: 0, to: checkpoint.size).map(\.leafHash)
        }
        for row in rows {
            guard let position = row.position else { continue }
            let name = EvidenceBundle.auditFolder + "\(position)"
            files[name + ".json"] = AuditLeaf.bytes(requestID: id, entry: row.entry)
            if let checkpoint, position < leaves.count {
                let proof = TlogProof(
                    index: position, hashes: MerkleTree.inclusionProof(index: position, leaves[...]),
                    checkpoint: checkpoint.note)
                files[name + ".tlog-proof"] = Array(proof.text.utf8)
            }
        }
        var (callbacks, calls) = (0, 0)
        for exchange in try await store.exchanges(id: id) {
            let record = EvidenceRecord.bytes(requestID: id, exchange: exchange)
            if exchange.isCall {
                calls += 1
                files[EvidenceBundle.callFolder + "\(calls).json"] = record
                for body in EvidenceBundle.bodies {
                    files[EvidenceBundle.callFolder + "\(calls)" + body.suffix] = exchange[keyPath: body.body]
                }
            } else {
                callbacks += 1
                files[EvidenceBundle.callbackFolder + "\(callbacks).json"] = record
            }
        }
        return try EvidenceBundle(requestID: id, contents: files, signers: signers)
    }
}
