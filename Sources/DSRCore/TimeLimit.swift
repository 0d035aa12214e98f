import Synchronization

/// Runs `operation`, throwing ``TimeLimitExceeded`` if it has not finished within `limit`: for calls to anything
/// outside the process (an upstream API, the database) whose client has no bound of its own. The operation is
/// cancelled then, and the caller does not wait for it to notice: a client that ignores cancellation (a connection
/// pool waiting for a server that is gone) cannot hold the caller past the limit.
package func withTimeLimit<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = Race<T>()
    let work = Task {
        do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
    }
    let timer = Task {
        try await Task.sleep(for: limit)
        race.finish(.failure(TimeLimitExceeded()))
    }
    defer {
        work.cancel()
        timer.cancel()
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { race.wait($0) }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// A call outside the process took longer than its time limit.
package struct TimeLimitExceeded: Error {
    package init() {}
}

/// The first of several results, handed to one waiting continuation whichever comes first.
private final class Race<T: Sendable>: Sendable {
    private enum State {
        case open
        case finished(Result<T, any Error>)
        case waiting(CheckedContinuation<T, any Error>)
        case done
    }

    private let state = Mutex(State.open)

    func finish(_ result: Result<T, any Error>) {
        state.withLock { state in
            switch state {
            case .open: state = .finished(result)
            case .waiting(let continuation):
                continuation.resume(with: result)
                state = .done
            case .finished, .done: break
            }
        }
    }

    func wait(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { state in
            switch state {
            case .finished(let result):
                continuation.resume(with: result)
                state = .done
            case .open: state = .waiting(continuation)
            case .waiting, .done: continuation.resume(throwing: CancellationError())
            }
        }
    }
}
