import AuditLog
import CallbackVerification
import Crypto
import DSRCore
import Foundation
import X509

/// Checks an ``EvidenceBundle`` with no database: the manifest's signature and every file's SHA-256 in it; each audit
/// entry's inclusion proof against its signed checkpoint; and each kept callback: its record's digest is the
/// `evidence` of a proven entry, and its signature verifies under the included chain, to one of `trustRoots`, at the
/// time it was received (as `dsr-gateway callback verify` does); and each of the gateway's kept calls: its record's
/// digest is a proven entry's `evidence`, and each body (sent, answered), while not erased, has the SHA-256 the
/// record names; a body missing while the subject is not erased is reported.
package struct EvidenceVerification: Sendable {
    private let bundle: EvidenceBundle
    private let verifiers: [NoteVerifier]
    private let trustRoots: [Certificate]

    package init(bundle: EvidenceBundle, verifiers: [NoteVerifier], trustRoots: [Certificate]) {
        self.bundle = bundle
        self.verifiers = verifiers
        self.trustRoots = trustRoots
    }

    /// What was checked (`lines`), and what failed (`problems`, empty when the bundle verifies).
    package struct Report: Sendable {
        package var requestID: UUID?
        package var lines: [String] = []
        package var problems: [String] = []
    }

    package func run() async -> Report {
        var report = Report()
        guard let requestID = checkManifest(&report) else { return report }
        report.requestID = requestID
        let proven = checkEntries(of: requestID, &report)
        let provenEvidence = Set(proven.compactMap { $0["evidence"] })
        await checkCallbacks(of: requestID, provenEvidence: provenEvidence, &report)
        checkCalls(of: requestID, provenEvidence: provenEvidence, &report)
        if let stored = proven.last(where: { $0["event"] == "results_stored" }) {
            report.lines.append("results archive: \(stored["detail"] ?? "-") (the archive itself is not in the bundle)")
        }
        return report
    }

    /// The manifest signs the request id and every other file's SHA-256; nothing may be missing, extra or changed.
    private func checkManifest(_ report: inout Report) -> UUID? {
        guard let manifest = bundle.files[EvidenceBundle.manifestName].map({ String(decoding: $0, as: UTF8.self) })
        else {
            report.problems.append("no manifest: not an evidence bundle")
            return nil
        }
        let text: String
        let signers: [String]
        do {
            (text, signers) = try Checkpoint.verified(manifest, verifiers: verifiers)
        } catch {
            report.problems.append("manifest: \(error)")
            return nil
        }
        var lines = text.split(separator: "\n").map(String.init)[...]
        guard lines.popFirst() == EvidenceBundle.header, let requestLine = lines.popFirst(),
            requestLine.hasPrefix("request "), let requestID = UUID(uuidString: String(requestLine.dropFirst(8)))
        else {
            report.problems.append("manifest: not a '\(EvidenceBundle.header)' manifest")
            return nil
        }
        var listed: Set<String> = []
        for line in lines {
            let fields = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard fields.count == 2 else {
                report.problems.append("manifest: malformed line")
                continue
            }
            listed.insert(fields[1])
            guard let content = bundle.files[fields[1]] else {
                report.problems.append("\(fields[1]): listed in the manifest but missing")
                continue
            }
            if SHA256.hash(data: content).hexString != fields[0] {
                report.problems.append("\(fields[1]): changed since the manifest was signed")
            }
        }
        for name in bundle.files.keys.sorted() where name != EvidenceBundle.manifestName {
            if !listed.contains(name) { report.problems.append("\(name): not listed in the manifest") }
            if !EvidenceBundle.isKnown(name) { report.problems.append("\(name): not a file an evidence bundle holds") }
        }
        report.lines.append("manifest: signed by \(signers.joined(separator: ", ")), lists \(listed.count) files")
        return requestID
    }

    /// Each entry's proof against the one checkpoint every proof of the bundle cites; returns the entries proven, in
    /// log order.
    private func checkEntries(of requestID: UUID, _ report: inout Report) -> [[String: String]] {
        var proven: [[String: String]] = []
        var cited: (note: String, checkpoint: Checkpoint)?
        var unsealed: [Int] = []
        let names = bundle.files.keys.filter { $0.hasPrefix(EvidenceBundle.auditFolder) && $0.hasSuffix(".json") }
        for name in names.sorted(by: { position(of: $0) < position(of: $1) }) {
            let position = position(of: name)
            let bytes = bundle.files[name]!
            guard let entry = entry(named: name), entry["request"] == requestID.uuidString.lowercased() else {
                report.problems.append("\(name): not an audit entry of this request")
                continue
            }
            guard let proofBytes = bundle.files[EvidenceBundle.auditFolder + "\(position).tlog-proof"] else {
                unsealed.append(position)
                continue
            }
            do {
                let proof = try TlogProof.parse(String(decoding: proofBytes, as: UTF8.self))
                if cited == nil {
                    cited = (proof.checkpoint, try Checkpoint.open(proof.checkpoint, verifiers: verifiers))
                }
                guard let (note, checkpoint) = cited, proof.checkpoint == note else {
                    report.problems.append("audit/\(position).tlog-proof: cites another checkpoint than the others")
                    continue
                }
                guard proof.index == position,
                    MerkleProofVerifier.verifyInclusion(
                        leafHash: MerkleTree.leafHash(bytes), index: position, size: checkpoint.size,
                        proof: proof.hashes, root: checkpoint.root)
                else {
                    report.problems.append("\(name): not in the log at position \(position) (its proof fails)")
                    continue
                }
                proven.append(entry)
            } catch {
                report.problems.append("audit/\(position).tlog-proof: \(error)")
            }
        }
        report.lines.append(
            "audit entries: \(proven.count) of \(names.count) proven in the log by checkpoint "
                + (cited.map { "\($0.checkpoint.origin) size \($0.checkpoint.size)" } ?? "-"))
        if !unsealed.isEmpty {
            report.lines.append(
                "not yet sealed when exported (no proof; export again after the next checkpoint): positions "
                    + unsealed.map(String.init).joined(separator: ", "))
        }
        return proven
    }

    /// Each kept callback is cited by a proven entry and verifies as the gateway verified it when it arrived.
    private func checkCallbacks(of requestID: UUID, provenEvidence: Set<String>, _ report: inout Report) async {
        let names = bundle.files.keys.filter { $0.hasPrefix(EvidenceBundle.callbackFolder) }.sorted()
        var verified = 0
        for name in names {
            let bytes = bundle.files[name]!
            guard provenEvidence.contains(SHA256.hash(data: bytes).hexString) else {
                report.problems.append("\(name): no proven audit entry carries its digest")
                continue
            }
            guard let record = entry(named: name), record["request"] == requestID.uuidString.lowercased(),
                let at = record["at"].flatMap(Timestamp.parse), let domain = record["domain"],
                let chain = record["chain"], let body = record["received"].flatMap({ Data(base64Encoded: $0) })
            else {
                report.problems.append("\(name): not a callback record of this request")
                continue
            }
            let verifier = CallbackVerifier(
                allowedDomains: [domain],
                cache: ProcessorCertificateCache(
                    fetchChainPEM: { _ in chain }, trustRoots: trustRoots, clock: ManualWallClock(at)))
            do {
                _ = try await verifier.verify(
                    domainHeader: domain, signatureHeader: record["signature"], body: Array(body))
                verified += 1
            } catch {
                report.problems.append("\(name): its signature does not verify at \(record["at"]!): \(error.reason)")
            }
        }
        report.lines.append(
            "callbacks: \(verified) of \(names.count) re-verified at the time they were received, each cited by a "
                + "proven entry")
    }

    /// Each kept call is cited by a proven entry, and its bodies (sent, answered), unless erased with the subject, are
    /// the ones its record names.
    private func checkCalls(of requestID: UUID, provenEvidence: Set<String>, _ report: inout Report) {
        let names = bundle.files.keys.filter { $0.hasPrefix(EvidenceBundle.callFolder) && $0.hasSuffix(".json") }
            .sorted()
        let subjectErased = entry(named: EvidenceBundle.requestName)?["subjectErasedAt"] != nil
        var (cited, matching, erased) = (0, 0, 0)
        for name in names {
            let bytes = bundle.files[name]!
            guard provenEvidence.contains(SHA256.hash(data: bytes).hexString) else {
                report.problems.append("\(name): no proven audit entry carries its digest")
                continue
            }
            guard let record = entry(named: name), record["request"] == requestID.uuidString.lowercased() else {
                report.problems.append("\(name): not a record of this request")
                continue
            }
            cited += 1
            for body in EvidenceBundle.bodies {
                let file = String(name.dropLast(".json".count)) + body.suffix
                switch (bundle.files[file], record[body.digest]) {
                case (nil, nil):
                    break
                case (nil, .some) where subjectErased:
                    erased += 1
                case (nil, .some):
                    report.problems.append("\(file): missing, though the request's subject is not erased")
                case (let content?, let digest):
                    if SHA256.hash(data: content).hexString == digest {
                        matching += 1
                    } else {
                        report.problems.append("\(file): not the body its record names")
                    }
                }
            }
        }
        for name in bundle.files.keys where name.hasPrefix(EvidenceBundle.callFolder) && !name.hasSuffix(".json") {
            let record = String(name[..<(name.lastIndex(of: ".") ?? name.endIndex)]) + ".json"
            if bundle.files[record] == nil { report.problems.append("\(name): no record names it") }
        }
        report.lines.append(
            "calls to the processor: \(cited) of \(names.count) cited by a proven entry; bodies sent and answered: "
                + "\(matching) match their records, \(erased) erased with the subject")
    }

    /// The string members of a JSON file of the bundle (audit entries and callback records are flat).
    private func entry(named name: String) -> [String: String]? {
        guard let bytes = bundle.files[name],
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return nil }
        return object.compactMapValues { $0 as? String }
    }

    private func position(of name: String) -> Int {
        Int(name.dropFirst(EvidenceBundle.auditFolder.count).prefix { $0.isNumber }) ?? -1
    }
}
