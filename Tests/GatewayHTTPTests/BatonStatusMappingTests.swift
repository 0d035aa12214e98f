import DSRCore
import Foundation
import GatewayHTTP
import RequestUseCases
import Testing

/// Every stored state maps to the status Baton must see; a cancelled erasure is never reported as done.
@Suite struct BatonStatusMappingTests {
    static let start = Date(timeIntervalSince1970: 1_767_690_000)

    static func request(_ type: RequestType, _ state: RequestState, results: ResultsRecord = ResultsRecord())
        -> DSRRequest
    {
        var request = DSRRequest(
            id: UUID(), regulation: .gdpr, type: type, subject: SubjectIdentity(customerId: "c"), source: .baton,
            receivedAt: start, deadline: start)
        request.state = state
        request.results = results
        return request
    }

    @Test(arguments: [
        (RequestType.erasure, RequestState.queued, BatonResponse.Status.pending),
        (.erasure, .pending, .pending),
        (.erasure, .inProgress, .pending),
        (.erasure, .completed, .completed),
        (.erasure, .cancelled, .failed),
        (.erasure, .failed, .failed),
        (.access, .completed, .pending),
        (.access, .cancelled, .failed),
    ])
    func states(_ type: RequestType, _ state: RequestState, _ expected: BatonResponse.Status) {
        let response = BatonResponse.status(
            of: Self.request(type, state), requestType: type == .erasure ? "RER" : "SAR")
        #expect(response.status == expected)
        #expect(response.action == "status")
        #expect(response.resultLocations == nil)
    }

    @Test func aCancelledErasureSaysItDidNotHappen() {
        let response = BatonResponse.status(of: Self.request(.erasure, .cancelled), requestType: "RER")
        #expect(response.message.contains("the erasure did not happen"))
    }

    @Test(arguments: [
        // A file is named inside the results directory (no absolute path); an object by its whole URL.
        (
            ResultsRecord(status: .stored, location: "file:///srv/dsr/results/1.zip"), BatonResponse.Status.completed,
            Optional(["1.zip"])
        ),
        (
            ResultsRecord(status: .stored, location: "s3://bucket/mparticle-results/1.zip"), .completed,
            ["s3://bucket/mparticle-results/1.zip"]
        ),
        (ResultsRecord(status: .noData), .completed, []),
        (ResultsRecord(status: .deleted), .completed, []),
        (ResultsRecord(status: .expired), .failed, [String]?.none),
        (ResultsRecord(status: .refused), .failed, [String]?.none),
    ])
    func completedAccessRequests(_ results: ResultsRecord, _ expected: BatonResponse.Status, _ locations: [String]?) {
        let response = BatonResponse.status(of: Self.request(.access, .completed, results: results), requestType: "SAR")
        #expect(response.status == expected)
        #expect(response.resultLocations == locations)
    }

    @Test func anExtendedDeadlineIsInTheMessageUntilTheRequestIsServed() throws {
        var request = Self.request(.erasure, .pending)
        let extended = Self.start.addingTimeInterval(90 * 86_400)
        request.deadlineExtension = DeadlineExtension(
            reason: "complex request", at: Self.start, principal: "privacy", previousDeadline: request.deadline)
        request.deadline = extended
        let pending = BatonResponse.status(of: request, requestType: "RER")
        #expect(pending.message.hasSuffix("The deadline was extended to \(Timestamp.format(extended))."))
        #expect(!pending.message.contains("complex request"))
        request.state = .completed
        #expect(!BatonResponse.status(of: request, requestType: "RER").message.contains("extended"))
    }

    @Test func aHeldRequestIsPendingAndADeniedOneFailedWithTheReason() {
        var request = Self.request(.erasure, .awaitingApproval)
        let held = BatonResponse.status(of: request, requestType: "RER")
        #expect(held.status == .pending && held.message.contains("awaiting approval"))
        request.state = .failed
        request.lastError = RequestApprover.denied
        request.resolution = Resolution(
            outcome: .refused, reason: "identity not verified", at: Self.start, principal: "p")
        let denied = BatonResponse.status(of: request, requestType: "RER")
        #expect(denied.status == .failed && denied.message.hasSuffix("The request was denied: identity not verified."))
        // A failed request a person resolved as refused keeps its reason to itself.
        request.lastError = "upstream 400"
        #expect(!BatonResponse.status(of: request, requestType: "RER").message.contains("identity"))
    }
}
