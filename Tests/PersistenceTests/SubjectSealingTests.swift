import AuditLog
import DSRCore
import Foundation
import Persistence
import Testing

/// Subject ids and emails are sealed at rest (AES-GCM, bound to their row and column) and found by a keyed hash: a
/// copy of the database shows no subject, a store without the key refuses to open, and subjects stored before sealing
/// are sealed when the store opens. Both engines.
@Suite("Subjects sealed at rest")
struct SubjectSealingTests {
    private typealias F = RequestFixtures

    static let customerId = "subject-secret-4711"
    static let email = "secret4711@example.com"

    static func request(source: RequestSource = .api) -> DSRRequest {
        var request = F.request()
        request.subject = SubjectIdentity(customerId: customerId, email: email)
        request.source = source
        return request
    }

    /// Fails (throws) when any request row holds the subject in plain text.
    static func expectNoPlainSubject(in database: TestDatabase) async throws {
        switch database.engine {
        case .sqlite:
            for path in [database.location, database.location + "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
                #expect(bytes.range(of: Data(customerId.utf8)) == nil, "\(path)")
                #expect(bytes.range(of: Data(email.utf8)) == nil, "\(path)")
            }
        case .postgres:
            try await database.execute([
                """
                DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM requests WHERE subject_customer_id LIKE '%\(customerId)%'
                    OR subject_email LIKE '%\(email)%')
                    OR EXISTS (SELECT 1 FROM processor_exchanges WHERE sent LIKE '%\(customerId)%'
                        OR answer LIKE '%\(customerId)%' OR position('\(customerId)' IN encode(received, 'escape')) > 0)
                THEN RAISE EXCEPTION 'a subject in plain text'; END IF;
                END $$
                """
            ])
        }
    }

    /// Fails (throws) unless the request's stored keyed hash is `lookup`.
    static func expectLookup(of id: UUID, is lookup: String, in database: TestDatabase) async throws {
        let stored = "(SELECT subject_lookup FROM requests WHERE id = '\(id.uuidString.lowercased())')"
        switch database.engine {
        case .sqlite:
            // `json('…')` of a non-JSON text fails the statement: SQLite's way to raise outside a trigger.
            try await database.execute([
                "SELECT CASE WHEN \(stored) IS '\(lookup)' THEN 1 ELSE json('lookup changed') END"
            ])
        case .postgres:
            try await database.execute([
                "DO $$ BEGIN IF \(stored) IS DISTINCT FROM '\(lookup)' THEN RAISE EXCEPTION 'lookup changed'; END IF; END $$"
            ])
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aCopyOfTheDatabaseShowsNoSubjectAndLookupsStillFindIt(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await database.withStore { store in
                let first = try await store.create(Self.request(source: .baton))
                #expect(try await store.request(id: first.id)?.subject == first.subject)
                // Baton's same-subject lookup goes through the keyed hash.
                let second = Self.request(source: .baton)
                #expect(try await store.createUnlessActive(second, audit: F.accepted(second)) == .existing(first))
            }
            try await Self.expectNoPlainSubject(in: database)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aStoreWithoutTheKeyRefusesToOpenAndWithItReadsAgain(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            let originalText = SubjectKeys.generate()
            let stored = try await database.open(subjectKeys: try SubjectKeys(current: originalText))
            let request = try await stored.create(Self.request())
            try await stored.close()

            let stranger = try SubjectKeys(current: SubjectKeys.generate())
            await #expect(throws: StoreError(code: .subjectKeyMissing)) {
                try await database.open(subjectKeys: stranger)
            }
            // During a rotation the old key opens what it sealed.
            let rotating = try SubjectKeys(current: SubjectKeys.generate(), previous: [originalText])
            let reopened = try await database.open(subjectKeys: rotating)
            #expect(try await reopened.request(id: request.id)?.subject.customerId == Self.customerId)
            try await reopened.close()
        }
    }

    /// `keys rotate`: every subject sealed with the old key is sealed afresh with the new one, lookups still find it,
    /// and once nothing needs the old key the database forgets it, so a store without it opens.
    @Test(arguments: StoreEngine.allCases)
    func aRotationSealsEverySubjectWithTheNewKeyAndRetiresTheOld(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            let oldText = SubjectKeys.generate()
            let old = try SubjectKeys(current: oldText)
            let stored = try await database.open(subjectKeys: old)
            let first = try await stored.create(Self.request(source: .baton))
            var other = F.request()
            other.subject = SubjectIdentity(customerId: "another-subject", email: nil)
            _ = try await stored.create(other)
            // A finished request whose subject retention erased: its keyed hash stays as it was.
            var erased = F.request()
            erased.subject = SubjectIdentity(customerId: "erased-subject", email: nil)
            erased.state = .completed
            _ = try await stored.create(erased)
            try await stored.update(id: erased.id) { request in
                request.subject = SubjectIdentity(customerId: "", email: nil)
                request.subjectErasedAt = F.t0
                return [AuditEntry(at: F.t0, actor: .retention, event: .subjectErased)]
            }
            try await stored.close()

            let newText = SubjectKeys.generate()
            let rotating = try SubjectKeys(current: newText, previous: [oldText])
            let store = try await database.open(subjectKeys: rotating)
            #expect(
                try await store.resealSubjects()
                    == SubjectRotation(resealed: 3, retired: [old.current.id], remaining: 0))
            // Again: nothing left to do.
            #expect(try await store.resealSubjects() == SubjectRotation(resealed: 0, retired: [], remaining: 0))
            try await store.close()
            try await Self.expectLookup(of: erased.id, is: old.lookup(customerId: "erased-subject"), in: database)

            // The old key is no longer needed: the new one alone opens, reads and finds the subject.
            let rotated = try await database.open(subjectKeys: try SubjectKeys(current: newText))
            #expect(try await rotated.request(id: first.id)?.subject == first.subject)
            #expect(try await rotated.request(id: other.id)?.subject.customerId == "another-subject")
            let again = Self.request(source: .baton)
            #expect(try await rotated.createUnlessActive(again, audit: F.accepted(again)) == .existing(first))
            try await rotated.close()
            // And the old one alone no longer reads anything.
            await #expect(throws: StoreError(code: .subjectKeyMissing)) {
                let stale = try await database.open(subjectKeys: old)
                defer { Task { try? await stale.close() } }
                _ = try await stale.request(id: first.id)
            }
            try await Self.expectNoPlainSubject(in: database)
        }
    }

    /// The bodies of a call to the processor name the subject (the answer to a submission echoes the body sent): they
    /// are sealed like the subject, sealed afresh by a rotation, and erased with the subject, while their SHA-256s
    /// (what the audit log vouches for) stay.
    @Test(arguments: StoreEngine.allCases)
    func aCallsBodiesAreSealedResealedAndErasedWithTheSubject(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            let oldText = SubjectKeys.generate()
            let stored = try await database.open(subjectKeys: try SubjectKeys(current: oldText))
            var request = Self.request()
            request.state = .completed
            _ = try await stored.create(request)
            let body = Array(#"{"subject_identities":{"controller_customer_id":{"value":"\#(Self.customerId)"}}}"#.utf8)
            let answer = Array(#"{"echo":"\#(Self.customerId)"}"#.utf8) + [0xff]
            let submission = ProcessorExchange(kind: .submission, at: F.t0, sent: body, status: 202, received: answer)
            try await stored.update(id: request.id, recording: submission) { request in
                request.attempts += 1
                return [AuditEntry(at: F.t0, actor: .dispatcher, event: .delivered)]
            }
            #expect(try await stored.exchanges(id: request.id) == [submission])
            try await stored.close()
            try await Self.expectNoPlainSubject(in: database)

            let newText = SubjectKeys.generate()
            let rotating = try await database.open(subjectKeys: try SubjectKeys(current: newText, previous: [oldText]))
            #expect(try await rotating.resealSubjects().remaining == 0)
            try await rotating.close()
            let store = try await database.open(subjectKeys: try SubjectKeys(current: newText))
            #expect(try await store.exchanges(id: request.id).first?.sent == body)
            #expect(try await store.exchanges(id: request.id).first?.received == answer)
            try await store.update(id: request.id) { request in
                request.subject = SubjectIdentity(customerId: "", email: nil)
                request.subjectErasedAt = F.t0
                return [AuditEntry(at: F.t0, actor: .retention, event: .subjectErased)]
            }
            let kept = try #require(try await store.exchanges(id: request.id).first)
            try await store.close()
            #expect(kept.sent == nil)
            #expect(kept.received == nil)
            #expect(kept.sentSHA256 == submission.sentSHA256)
            #expect(kept.receivedSHA256 == submission.receivedSHA256)
            // Append-only but for the bodies (sent, answer): anything else changed, or a row deleted, is refused.
            for statement in ["UPDATE processor_exchanges SET status = 500", "DELETE FROM processor_exchanges"] {
                await #expect(throws: (any Error).self, "\(statement)") { try await database.execute([statement]) }
            }
            #expect(
                EvidenceRecord.digest(requestID: request.id, exchange: kept)
                    == EvidenceRecord.digest(requestID: request.id, exchange: submission))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func subjectsStoredBeforeSealingAreSealedWhenTheStoreOpens(engine: StoreEngine) async throws {
        let all = engine == .sqlite ? SQLiteRequestStore.migrations : PostgresRequestStore.migrations
        let sealing = try #require(all.first { $0.name.hasPrefix("subject ids and emails sealed") })
        try await engine.withDatabase { database in
            try await database.open(migrations: all.filter { $0.version < sealing.version }).close()
            let id = UUID()
            try await database.execute([
                """
                INSERT INTO requests (id, regulation, type, source, state, subject_customer_id, subject_email,
                    received_at, deadline, attempts, updated_at, result_attempts, attributes_attempts)
                VALUES ('\(id.uuidString.lowercased())', 'gdpr', 'erasure', 'baton', 'pending', '\(Self.customerId)',
                    '\(Self.email)', 0, 0, 0, 0, 0, 0)
                """
            ])
            try await database.withStore { store in
                let read = try await store.request(id: id)
                #expect(read?.subject == SubjectIdentity(customerId: Self.customerId, email: Self.email))
                let again = Self.request(source: .baton)
                let joined = try await store.createUnlessActive(again, audit: F.accepted(again))
                #expect(joined.request.id == id)
            }
            try await Self.expectNoPlainSubject(in: database)
        }
    }
}
