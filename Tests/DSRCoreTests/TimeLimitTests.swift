import Dispatch
import Testing

@testable import DSRCore

/// `withTimeLimit`: the bound every call outside the process runs under. One at a time: the deadlines of a process are
/// watched together, and another test's earlier deadline would wake the watcher for this one's.
@Suite(.serialized) struct TimeLimitTests {
    struct Refused: Error {}

    /// Finishes after `seconds` whatever happens to its task: a client that ignores cancellation.
    static func deaf(_ seconds: Double) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { continuation.resume(returning: "late") }
        }
    }

    @Test func aResultInTimeIsReturnedAndAnErrorIsRethrown() async throws {
        #expect(try await withTimeLimit(.seconds(5)) { "answer" } == "answer")
        await #expect(throws: Refused.self) { try await withTimeLimit(.seconds(5)) { () -> Int in throw Refused() } }
    }

    /// The caller is answered at the limit, not when an operation that ignores cancellation gets round to finishing.
    @Test func anOperationThatIgnoresCancellationCannotHoldTheCallerPastTheLimit() async throws {
        let started = ContinuousClock.now
        await #expect(throws: TimeLimitExceeded.self) {
            try await withTimeLimit(.milliseconds(100)) { await Self.deaf(5) }
        }
        #expect(ContinuousClock.now - started < .seconds(4))
    }

    /// A shorter limit taken while a longer one is being waited for still ends on time, and the longer one's call is
    /// unaffected.
    @Test func aShorterLimitAfterALongerOneEndsFirst() async throws {
        async let long = withTimeLimit(.seconds(30)) { await Self.deaf(1) }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        await #expect(throws: TimeLimitExceeded.self) {
            try await withTimeLimit(.milliseconds(100)) { await Self.deaf(5) }
        }
        #expect(ContinuousClock.now - started < .seconds(4))
        #expect(try await long == "late")
    }

    @Test func cancellingTheCallerEndsTheWaitWithCancellation() async throws {
        let call = Task { try await withTimeLimit(.seconds(30)) { await Self.deaf(5) } }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(ContinuousClock.now - started < .seconds(4))
    }
}
