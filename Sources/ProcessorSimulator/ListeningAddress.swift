import Foundation
import Synchronization

/// Errors of the simulator's own API (not HTTP answers).
package enum ProcessorSimulatorError: Error, Equatable {
    /// `run()` ended (or failed) before the server was listening.
    case stoppedBeforeListening
    /// `advance(by:)` needs the simulator to have been given a `ManualWallClock`.
    case clockNotManual
}

/// The base URL the server is bound to, published once `run()` is listening.
final class ListeningAddress: Sendable {
    private enum State {
        case waiting([CheckedContinuation<URL, any Error>])
        case listening(URL)
        case stopped
    }

    private let state = Mutex(State.waiting([]))

    /// The base URL while listening, else nil.
    var url: URL? {
        state.withLock { state in
            if case .listening(let url) = state { return url }
            return nil
        }
    }

    /// Called as `run()` starts: a previous stop no longer answers waiters.
    func starting() {
        state.withLock { state in
            if case .stopped = state { state = .waiting([]) }
        }
    }

    /// Publishes the bound URL and wakes every waiter.
    func listening(at url: URL) {
        let waiters = state.withLock { state -> [CheckedContinuation<URL, any Error>] in
            defer { state = .listening(url) }
            if case .waiting(let waiters) = state { return waiters }
            return []
        }
        waiters.forEach { $0.resume(returning: url) }
    }

    /// Marks the server stopped; waiters get `ProcessorSimulatorError.stoppedBeforeListening`.
    func stopped() {
        let waiters = state.withLock { state -> [CheckedContinuation<URL, any Error>] in
            defer { state = .stopped }
            if case .waiting(let waiters) = state { return waiters }
            return []
        }
        waiters.forEach { $0.resume(throwing: ProcessorSimulatorError.stoppedBeforeListening) }
    }

    /// The bound URL, waiting for the server if it is not listening yet.
    func wait() async throws -> URL {
        try await withCheckedThrowingContinuation { continuation in
            let answer = state.withLock { state -> Result<URL, any Error>? in
                switch state {
                case .listening(let url): return .success(url)
                case .stopped: return .failure(ProcessorSimulatorError.stoppedBeforeListening)
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                }
            }
            if let answer { continuation.resume(with: answer) }
        }
    }
}
