import AuditLog
import DSRCore
import Evidence
import Foundation
import GatewayApp
import GatewayTools
import Persistence
import ProcessorSimulator
import Testing
import TestSupport
import Workers

/// `dsr-gateway requests evidence` writes a request's bundle from the database, and `evidence verify` checks it with
/// nothing but the bundle, the audit public key and the processor's trust root: intact, then each kind of tampering.
@Suite struct EvidenceCommandTests {
    /// Submits an erasure of `subject`, lets the simulator complete it, writes the processor's trust root to `roots`
    /// and stops the gateway, which signs a checkpoint of everything written; the request's id.
    static func completedErasure(_ subject: String, harness: GatewayHarness, roots: String) async throws -> String {
        let api = try await harness.api
        let id = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: subject)
        try await harness.waitFor(id, state: "pending")
        try await harness.advance(days: 10)
        #expect(try await api.request(id).state == "completed")
        try harness.simulator.trustRootPEM.write(toFile: roots, atomically: true, encoding: .utf8)
        try await harness.stopGateway()
        return id
    }

    /// `requests evidence` of request `id` into `bundle`; the audit public key, from `audit public-key`.
    static func export(_ id: String, from database: String, to bundle: String) async throws -> String {
        let written = try await CommandLineRunner.run([
            "requests", "evidence", id, "--database", database, "--out", bundle,
        ])
        #expect(written.status == 0, "\(written.output)\(written.errors)")
        return try await CommandLineRunner.run(["audit", "public-key", "--database", database]).output
            .trimmingCharacters(in: .newlines)
    }

    @Test func aCompletedErasuresBundleVerifiesOfflineAndEveryTamperingIsNamed() async throws {
        let directory = try TemporaryDirectory(prefix: "evidence")
        defer { directory.remove() }
        let bundle = directory.url.appendingPathComponent("evidence.zip").path
        let roots = directory.url.appendingPathComponent("roots.pem").path
        try await GatewayHarness.with { harness in
            let id = try await Self.completedErasure("evidence-1", harness: harness, roots: roots)
            let database = harness.storePath
            let key = try await Self.export(id, from: database, to: bundle)

            func verify(_ file: String = bundle, key: String? = key) async throws -> CommandLineRunner.Result {
                try await CommandLineRunner.run(
                    ["evidence", "verify", file, "--trust-roots", roots] + (key.map { ["--public-key", $0] } ?? []))
            }
            let intact = try await verify()
            #expect(intact.status == 0, "\(intact.output)\(intact.errors)")
            let entries = try #require(
                intact.output.split(separator: "\n").first { $0.hasPrefix("audit entries: ") })
            #expect(
                entries.hasPrefix("audit entries: 5 of 5 proven in the log by checkpoint dsr-gateway"), "\(entries)")
            #expect(intact.output.contains("callbacks: 2 of 2 re-verified at the time they were received"))
            // The submission as sent (it names the subject) and the processor's answer, cited by the delivery.
            #expect(
                intact.output.contains(
                    "calls to the processor: 1 of 1 cited by a proven entry; bodies sent and answered: 2 match their "
                        + "records, 0 erased with the subject"))
            #expect(intact.output.hasSuffix("evidence intact for request \(id)\n"))
            #expect(!intact.output.contains("evidence-1"))
            // Without a key, the bundle's own is used, and the output says so: consistent, not authenticated.
            let unkeyed = try await verify(key: nil)
            #expect(unkeyed.status == 1)
            #expect(unkeyed.output.hasPrefix("warning: no --public-key"))
            #expect(unkeyed.output.hasSuffix("but NOT AUTHENTICATED: pass --public-key\n"))
            // The bundle holds the subject: the file is the user's alone.
            let mode = try FileManager.default.attributesOfItem(atPath: bundle)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o777 } == 0o600)
            // Another key signed nothing here.
            let stranger = try await verify(key: try NoteSigner(name: "dsr-gateway/audit").verifier.encoded)
            #expect(stranger.status == 1)
            #expect(stranger.output.contains("manifest: "))

            // Someone holding the audit key (not the log) rewrites a callback or a proof and signs a new manifest.
            let signer = try NoteSigner(encoded: try String(contentsOfFile: database + ".audit-key", encoding: .utf8))
            let original = try EvidenceBundle(zip: try Data(contentsOf: URL(fileURLWithPath: bundle)))
            func tampered(_ change: (inout [String: [UInt8]]) -> Void) async throws -> String {
                var files = original.files
                files[EvidenceBundle.manifestName] = nil
                files[EvidenceBundle.publicKeyName] = nil
                change(&files)
                let file = directory.url.appendingPathComponent("tampered-\(UUID()).zip")
                try EvidenceBundle(requestID: try #require(UUID(uuidString: id)), contents: files, signers: [signer])
                    .zipped().write(to: file)
                let result = try await verify(file.path)
                #expect(result.status == 1)
                return result.output
            }
            let callback = try #require(original.files.keys.first { $0.hasPrefix("callbacks/") })
            let rewritten = try await tampered { files in
                files[callback] = Array(
                    String(decoding: files[callback]!, as: UTF8.self).replacing("\"at\":\"", with: "\"at\":\"1").utf8)
            }
            #expect(rewritten.contains("\(callback): no proven audit entry carries its digest"))
            let proof = try #require(original.files.keys.sorted().first { $0.hasSuffix(".tlog-proof") })
            let forged = try await tampered { files in
                var text = String(decoding: files[proof]!, as: UTF8.self).split(
                    separator: "\n", omittingEmptySubsequences: false)
                text[2] = Substring(Data(repeating: 7, count: 32).base64EncodedString())
                files[proof] = Array(text.joined(separator: "\n").utf8)
            }
            #expect(forged.contains("its proof fails"))
            let sent = try #require(original.files["processor/1.sent"])
            // The answer to a submission echoes the body sent (`encoded_request`): it is a body, kept beside the
            // record, not in it.
            #expect(
                String(decoding: try #require(original.files["processor/1.answer"]), as: UTF8.self)
                    .contains("encoded_request"))
            #expect(
                !String(decoding: try #require(original.files["processor/1.json"]), as: UTF8.self)
                    .contains(#""received":"#))
            #expect(String(decoding: sent, as: UTF8.self).contains(#""subject_request_id":"\#(id)""#))
            let resent = try await tampered { files in
                files["processor/1.sent"] = Array(
                    String(decoding: sent, as: UTF8.self).replacing("evidence-1", with: "someone-else").utf8)
            }
            #expect(resent.contains("processor/1.sent: not the body its record names"))
            // An answer dropped from a bundle whose subject is not erased is a gap, not an erasure; one rewritten is
            // named like the body sent.
            let dropped = try await tampered { $0["processor/1.answer"] = nil }
            #expect(dropped.contains("processor/1.answer: missing, though the request's subject is not erased"))
            let reanswered = try await tampered { $0["processor/1.answer"]?[0] ^= 1 }
            #expect(reanswered.contains("processor/1.answer: not the body its record names"))
            // Without the key: a file changed after signing, and one added, are named.
            var changed = original
            changed.files[callback]?[0] ^= 1
            let changedFile = directory.url.appendingPathComponent("changed.zip")
            try changed.zipped().write(to: changedFile)
            let edited = try await verify(changedFile.path)
            #expect(edited.status == 1)
            #expect(edited.output.contains("\(callback): changed since the manifest was signed"))
            var extra = original
            extra.files["note.txt"] = Array("hello".utf8)
            let extraFile = directory.url.appendingPathComponent("extra.zip")
            try extra.zipped().write(to: extraFile)
            let added = try await verify(extraFile.path)
            #expect(added.status == 1)
            #expect(added.output.contains("note.txt: not listed in the manifest"))
            // A signature line by an unknown key is ignored, and its name is not reported as a signer.
            var claimed = original
            claimed.files[EvidenceBundle.manifestName]! += Array(
                "\u{2014} Regulator \(Data(repeating: 1, count: 68).base64EncodedString())\n".utf8)
            let claimedFile = directory.url.appendingPathComponent("claimed.zip")
            try claimed.zipped().write(to: claimedFile)
            let impostor = try await verify(claimedFile.path)
            #expect(impostor.status == 0, "\(impostor.output)")
            #expect(impostor.output.hasPrefix("manifest: signed by dsr-gateway/audit, lists"))
            // A file the format does not have is named even when a key holder lists it.
            let unknown = try await tampered { files in files["notes/readme.txt"] = Array("trust me".utf8) }
            #expect(unknown.contains("notes/readme.txt: not a file an evidence bundle holds"))
        }
    }

    /// Once retention has erased the subject, the bundle still verifies: the body sent is gone from it, the SHA-256
    /// its record and the trail carry still checks, and the request shows no subject.
    @Test func aBundleStillVerifiesOnceTheSubjectIsErased() async throws {
        let directory = try TemporaryDirectory(prefix: "evidence-erased")
        defer { directory.remove() }
        let bundle = directory.url.appendingPathComponent("evidence.zip").path
        let roots = directory.url.appendingPathComponent("roots.pem").path
        try await GatewayHarness.with { harness in
            let id = try await Self.completedErasure("evidence-erased-1", harness: harness, roots: roots)
            // The retention worker, on the gateway's file a month on.
            let database = harness.storePath
            let keys = try SubjectKeys(
                current: try String(contentsOfFile: database + ".subject-key", encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines))
            let store = try await SQLiteRequestStore.open(
                path: database, logger: GatewayHarness.quietLogger, subjectKeys: keys)
            let retention = SubjectRetention(
                store: store, retention: 30 * 86_400, clock: ManualWallClock(harness.clock.now + 31 * 86_400),
                logger: GatewayHarness.quietLogger)
            let erased = try await retention.eraseDue()
            try await store.close()
            #expect(erased == 1)
            let key = try await Self.export(id, from: database, to: bundle)
            let files = try EvidenceBundle(zip: try Data(contentsOf: URL(fileURLWithPath: bundle))).files
            #expect(files["processor/1.json"] != nil)
            #expect(files["processor/1.sent"] == nil)
            #expect(files["processor/1.answer"] == nil)
            #expect(!files.values.contains { Data($0).range(of: Data("evidence-erased-1".utf8)) != nil })
            let verified = try await CommandLineRunner.run([
                "evidence", "verify", bundle, "--trust-roots", roots, "--public-key", key,
            ])
            #expect(verified.status == 0, "\(verified.output)")
            #expect(
                verified.output.contains(
                    "calls to the processor: 1 of 1 cited by a proven entry; bodies sent and answered: 0 match their "
                        + "records, 2 erased with the subject"))
        }
    }
}
