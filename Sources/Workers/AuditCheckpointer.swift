import AsyncHTTPClient
import AuditLog
import BackgroundWork
import DSRCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Persistence
import ServiceLifecycle

/// Seals the audit log: every `audit.checkpoint_interval_seconds`, and once more at shutdown, signs a checkpoint of
/// the tree's size and root (extending the previous checkpoint's frontier with the entries written since), writes a
/// copy to `audit.checkpoint_copy_dir` and posts one to `audit.checkpoint_copy_url`. Before sealing more it checks that the new entries are as they were written
/// and that the previous checkpoint is intact; if not, it signs nothing, so tampering is never sealed over. Any
/// instance of a fleet may seal; two sealing the same size store one checkpoint.
package struct AuditCheckpointer: Service {
    private let store: any AuditLogStore
    private let keys: AuditSigningKeys
    private let configuration: AuditCheckpointerConfiguration
    private let clock: any WallClock
    private let httpClient: HTTPClient
    private let logger: Logger

    package init(
        store: any AuditLogStore, keys: AuditSigningKeys, configuration: AuditCheckpointerConfiguration,
        clock: any WallClock, httpClient: HTTPClient = .shared, logger: Logger
    ) {
        self.store = store
        self.keys = keys
        self.configuration = configuration
        self.clock = clock
        self.httpClient = httpClient
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(
            every: configuration.interval, on: clock.timer, name: "audit checkpoint", logger: logger
        ) {
            do {
                try await seal()
            } catch let broken as AuditLogBroken {
                // Positions and reasons only: an entry's content never reaches the log.
                logger.critical(
                    "audit log broken: nothing more is signed until it is examined (dsr-gateway audit verify)",
                    metadata: ["audit.position": "\(broken.position)", "audit.reason": "\(broken.reason)"])
                throw broken
            }
            return false
        }
        do {
            try await seal()
        } catch {
            logger.error("audit checkpoint at shutdown failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    /// Signs and stores a checkpoint of everything written so far, unless the last one already covers it. Copies of
    /// checkpoints this log no longer reaches (the database went back to a backup, or someone cut the log short) stop
    /// it: only a person may record them as a restore (`acknowledgingRestore`, what `dsr-gateway audit
    /// acknowledge-restore` does), in a checkpoint that names each, signed then even without new entries.
    @discardableResult
    package func seal(acknowledgingRestore: Bool = false) async throws -> StoredCheckpoint? {
        let head = try await store.auditLogHead()
        let size = head.size
        let latest = try await store.latestAuditCheckpoint()
        var tree = try sealedFrontier(latest)
        if size < tree.size { throw AuditLogBroken(position: size, reason: "the log is shorter than sealed") }
        let lost = try await lostCopies(latest)
        if !lost.isEmpty && !acknowledgingRestore {
            throw AuditLogBroken(
                position: size,
                reason: "checkpoint copies of \(lost.map(\.size)) entries reach beyond the log: a restore from a "
                    + "backup (record it with dsr-gateway audit acknowledge-restore) or a truncation")
        }
        guard size > tree.size || !lost.isEmpty else { return nil }
        while tree.size < size {
            let rows = try await store.auditLogRows(from: tree.size, to: min(size, tree.size + 10_000))
            guard !rows.isEmpty else { throw AuditLogBroken(position: tree.size, reason: "an entry is missing") }
            for row in rows {
                guard row.position == tree.size else {
                    throw AuditLogBroken(position: tree.size, reason: "an entry is missing")
                }
                if let problem = row.problem(hashedFrom: head.hashedFrom) {
                    throw AuditLogBroken(position: tree.size, reason: problem)
                }
                tree.append(row.leafHash)
            }
        }
        if !lost.isEmpty {
            logger.warning(
                "audit log restore recorded: the checkpoint names the copies the log no longer reaches",
                metadata: ["audit.size": "\(size)", "audit.lost_checkpoints": "\(lost.map(\.size))"])
        }
        let checkpoint = Checkpoint(
            origin: configuration.origin, size: size, root: tree.root, extensions: lost.map(RestoreNotice.line))
        let stored = StoredCheckpoint(
            size: size, root: checkpoint.root, frontier: tree.packed, note: try checkpoint.signed(by: keys.signers),
            signedAt: clock.now)
        if try await store.addAuditCheckpoint(stored) {
            logger.info("audit checkpoint signed", metadata: ["audit.size": "\(size)"])
            try copy(stored)
            await post(stored)
        }
        return stored
    }

    /// The frontier of the latest checkpoint, once its signature, root and frontier agree.
    private func sealedFrontier(_ latest: StoredCheckpoint?) throws -> MerkleFrontier {
        guard let latest else { return MerkleFrontier() }
        guard let frontier = MerkleFrontier(size: latest.size, packed: latest.frontier), frontier.root == latest.root,
            let opened = try? Checkpoint.open(latest.note, verifiers: keys.verifiers),
            opened.size == latest.size, opened.root == latest.root
        else { throw AuditLogBroken(position: latest.size, reason: "the latest checkpoint does not verify") }
        return frontier
    }

    /// Writes the checkpoint to the copy directory as `<size>-<root prefix>.checkpoint` (whole or not at all), so a
    /// log restored from a backup that grows again to a size it had before never overwrites the old copy.
    private func copy(_ checkpoint: StoredCheckpoint) throws {
        guard let directory = configuration.copyDirectory else { return }
        let name = "\(checkpoint.size)-\(checkpoint.root.prefix(4).hexString)"
        let url = URL(fileURLWithPath: directory).appendingPathComponent("\(name).checkpoint")
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        try Data(checkpoint.note.utf8).write(to: url, options: .atomic)
    }

    /// Posts the checkpoint to the copy URL. A failure is logged and not retried: the next checkpoint, which covers
    /// everything this one does, is posted in its turn.
    private func post(_ checkpoint: StoredCheckpoint) async {
        guard let url = configuration.copyURL else { return }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        request.body = .bytes(ByteBuffer(string: checkpoint.note))
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(10), logger: logger)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(response.status.code) else {
                logger.warning(
                    "audit checkpoint copy refused",
                    metadata: ["audit.size": "\(checkpoint.size)", "http.status": "\(response.status.code)"])
                return
            }
        } catch {
            logger.warning(
                "audit checkpoint copy failed",
                metadata: ["audit.size": "\(checkpoint.size)", "error.type": "\(type(of: error))"])
        }
    }

    /// Copies of this log's checkpoints larger than the database's latest that no checkpoint has recorded yet: the
    /// copy is written after the database commits, so such a copy means the database was put back to an earlier state.
    package func lostCopies() async throws -> [Checkpoint] {
        try await lostCopies(try await store.latestAuditCheckpoint())
    }

    private func lostCopies(_ latest: StoredCheckpoint?) async throws -> [Checkpoint] {
        guard let directory = configuration.copyDirectory else { return [] }
        let copies = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        // Named `<size>-<root>.checkpoint` when written: only those beyond the log are opened, not the whole
        // directory's history every interval.
        let beyond = copies.filter { $0.hasSuffix(".checkpoint") }.compactMap { name -> Checkpoint? in
            guard let named = Int(name.prefix { $0.isNumber }), named > (latest?.size ?? 0),
                let note = try? String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8),
                let copy = try? Checkpoint.open(note, verifiers: keys.verifiers),
                copy.origin == configuration.origin, copy.size > (latest?.size ?? 0)
            else { return nil }
            return copy
        }
        guard !beyond.isEmpty else { return [] }
        // A copy the database holds (another instance sealed it meanwhile) or one already recorded is not lost.
        let stored = try await store.auditCheckpoints()
        let known = Set(
            stored.map { RestoreNotice(size: $0.size, root: $0.root) }
                + stored.flatMap { stored in
                    ((try? Checkpoint.open(stored.note, verifiers: keys.verifiers))?.extensions ?? [])
                        .compactMap(RestoreNotice.init(line:))
                })
        return beyond.filter { !known.contains(RestoreNotice(size: $0.size, root: $0.root)) }
            .sorted { $0.size < $1.size }
    }
}

/// The audit log is not as it was sealed: nothing more is signed until a person has looked (`dsr-gateway audit
/// verify` names what changed).
package struct AuditLogBroken: Error, CustomStringConvertible {
    package var position: Int
    package var reason: String

    package var description: String { "audit log broken at position \(position): \(reason)" }
}
