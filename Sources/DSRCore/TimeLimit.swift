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
    let deadline = TimeLimitWatch.shared.watch(until: .now + limit) {
        race.finish(.failure(TimeLimitExceeded()))
    }
    defer {
        TimeLimitWatch.shared.forget(deadline)
        work.cancel()
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

/// The deadlines of every call under a time limit, kept by one task that sleeps until the earliest. A timer per call
/// (a task and a `Task.sleep` each) cost more than a database read it bounded; here a call adds and removes an entry,
/// and since limits are alike, a new deadline is nearly always later than the one already awaited.
private final class TimeLimitWatch: Sendable {
    static let shared = TimeLimitWatch()

    private struct State {
        var expiries: [UInt64: (deadline: ContinuousClock.Instant, expire: @Sendable () -> Void)] = [:]
        var nextID: UInt64 = 0
        /// When the current watcher wakes; nil when none runs.
        var wakesAt: ContinuousClock.Instant?
        /// Which watcher is current: one that finds another's number stops.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Calls `expire` once `deadline` has passed, unless the entry is forgotten first.
    func watch(until deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.expiries[id] = (deadline, expire)
            if state.wakesAt.map({ deadline < $0 }) ?? true {
                state.generation += 1
                state.wakesAt = deadline
                let generation = state.generation
                Task { await self.watch(generation: generation, wakingAt: deadline) }
            }
            return id
        }
    }

    func forget(_ id: UInt64) {
        _ = state.withLock { $0.expiries.removeValue(forKey: id) }
    }

    /// Sleeps until `wake`, expires what is due, and again until the earliest deadline left; stops when none is left
    /// or, on waking, finds that a watcher for an earlier deadline has taken over.
    private func watch(generation: UInt64, wakingAt wake: ContinuousClock.Instant) async {
        var next: ContinuousClock.Instant? = wake
        while let wake = next {
            try? await Task.sleep(until: wake, clock: .continuous)
            let expired: [@Sendable () -> Void]
            (expired, next) = state.withLock { state in
                guard state.generation == generation else { return ([], nil) }
                let now = ContinuousClock.now
                let due = state.expiries.filter { $0.value.deadline <= now }
                for id in due.keys { state.expiries.removeValue(forKey: id) }
                state.wakesAt = state.expiries.values.map(\.deadline).min()
                return (due.values.map(\.expire), state.wakesAt)
            }
            for expire in expired { expire() }
        }
    }
}
