import Synchronization

/// A first-in, first-out async lock: one body runs at a time, across its suspension points.
///
/// An actor would not do: it lets other calls in while one awaits, and a SQLite transaction spans several
/// awaits on one connection, so another task's statement would land inside it.
final class AsyncSerialGate: Sendable {
    private struct State {
        var isLocked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Runs `body` once every earlier caller's body has finished.
    ///
    /// Waiting ignores task cancellation: bodies are short, and a cancelled waiter simply runs and returns.
    func withLock<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let acquired = state.withLock { state in
            guard !state.isLocked else { return false }
            state.isLocked = true
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquiredMeanwhile = state.withLock { state in
                guard state.isLocked else {
                    state.isLocked = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquiredMeanwhile { continuation.resume() }
        }
    }

    private func release() {
        // The lock passes straight to the next waiter, so it never looks free to a newcomer in between.
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.isLocked = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
