import DSRCore
import Testing

@Suite("RequestState")
struct RequestStateTests {
    /// Every (from, to) pair and whether it is a forward move (docs/design.md, "Request lifecycle").
    static let moves: [(RequestState, RequestState, Bool)] = RequestState.allCases.flatMap { from in
        RequestState.allCases.map { to in (from, to, expectedMove(from, to)) }
    }

    private static func expectedMove(_ from: RequestState, _ to: RequestState) -> Bool {
        switch (from, to) {
        case (.awaitingApproval, .queued), (.awaitingApproval, .cancelled), (.awaitingApproval, .failed),
            (.queued, .pending), (.queued, .inProgress), (.queued, .completed), (.queued, .cancelled),
            (.queued, .failed),
            (.pending, .inProgress), (.pending, .completed), (.pending, .cancelled), (.pending, .failed),
            (.inProgress, .completed), (.inProgress, .cancelled), (.inProgress, .failed):
            true
        default:
            false
        }
    }

    @Test(arguments: moves)
    func onlyForwardMovesAreAllowed(from: RequestState, to: RequestState, allowed: Bool) {
        #expect(from.canMove(to: to) == allowed)
    }

    @Test func terminalStatesAreExactlyCompletedCancelledFailed() {
        #expect(RequestState.allCases.filter(\.isTerminal) == [.completed, .cancelled, .failed])
    }

    @Test func rawValuesAreTheWireAndStorageSpelling() {
        #expect(
            RequestState.allCases.map(\.rawValue) == [
                "awaiting_approval", "queued", "pending", "in_progress", "completed", "cancelled", "failed",
            ])
    }

    @Test(arguments: [
        ("pending", RequestState.pending), ("in_progress", .inProgress), ("completed", .completed),
        ("cancelled", .cancelled),
    ])
    func processorStatusesMapToStates(status: String, state: RequestState) {
        #expect(RequestState(processorStatus: status) == state)
    }

    @Test(arguments: ["awaiting_approval", "queued", "failed", "inProgress", "COMPLETED", ""])
    func unknownProcessorStatusesMapToNothing(status: String) {
        #expect(RequestState(processorStatus: status) == nil)
    }
}
