import DSRCore
import Foundation
import Logging
import Persistence
import Testing
import TestSupport

/// `requests list --at-risk` and `requests show`, run as processes against a real database file.
@Suite struct RequestsCommandTests {
    @Test func atRiskListsOnlyUnfinishedRequestsNearTheirDeadlineWithoutSubjectData() async throws {
        let database = try TemporaryDatabase()
        defer { try? database.remove() }
        let store = try await SQLiteRequestStore.open(path: database.path, logger: Logger(label: "test"))
        let now = Date()
        func stored(daysOld: Double, customerId: String) async throws -> DSRRequest {
            let received = now.addingTimeInterval(-daysOld * 86_400)
            let request = DSRRequest(
                id: UUID(), regulation: .gdpr, type: .erasure, subject: SubjectIdentity(customerId: customerId),
                source: .api, receivedAt: received,
                deadline: DeadlinePolicy().deadline(for: .gdpr, receivedAt: received))
            return try await store.create(request, audit: AuditEntry(at: received, actor: .api, event: .received))
                .request
        }
        let overdue = try await stored(daysOld: 40, customerId: "secret-customer-overdue")
        let near = try await stored(daysOld: 27, customerId: "secret-customer-near")
        let fresh = try await stored(daysOld: 1, customerId: "secret-customer-fresh")
        try await store.close()

        let list = try await CommandLineRunner.run(["requests", "list", "--at-risk", "--database", database.path])
        #expect(list.status == 0)
        let lines = list.output.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix(overdue.subjectRequestId) && lines[1].contains("OVERDUE"))
        #expect(lines[2].hasPrefix(near.subjectRequestId))
        #expect(!list.output.contains(fresh.subjectRequestId))
        #expect(!list.output.contains("secret-customer"))

        let show = try await CommandLineRunner.run([
            "requests", "show", near.subjectRequestId, "--database", database.path,
        ])
        #expect(show.status == 0)
        #expect(show.output.contains("Audit trail:") && show.output.contains("received"))
        #expect(!show.output.contains("secret-customer"))

        // An id the store does not hold is a failure, said plainly: not a usage error.
        let unknown = UUID().uuidString.lowercased()
        let missing = try await CommandLineRunner.run(["requests", "show", unknown, "--database", database.path])
        #expect(missing.status == 1)
        #expect(missing.errors.contains("Error: no request \(unknown) in this store"))
        #expect(!missing.errors.contains("USAGE"))
    }
}
