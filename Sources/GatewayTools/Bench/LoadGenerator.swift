/// What one benchmark phase measured.
struct PhaseResult: Sendable {
    var name: String
    var operations: Int
    var errors: Int
    var seconds: Double
    /// Latencies of the successful operations, in milliseconds, sorted.
    var latencies: [Double]

    var perSecond: Double { Double(operations) / seconds }

    /// The latency below which `fraction` of the operations finished (nearest rank).
    func percentile(_ fraction: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let rank = Int((fraction * Double(latencies.count)).rounded(.up)) - 1
        return latencies[min(max(rank, 0), latencies.count - 1)]
    }
}

/// Closed-loop load: `concurrency` workers each run `operation` back to back for `seconds`; every call is timed.
enum LoadGenerator {
    static func run(
        _ name: String, concurrency: Int, seconds: Double, operation: @escaping @Sendable (Int) async -> Bool
    ) async -> PhaseResult {
        let start = ContinuousClock.now
        let deadline = start + .seconds(seconds)
        let perWorker = await withTaskGroup(of: (latencies: [Double], errors: Int).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    var sequence = worker
                    while ContinuousClock.now < deadline {
                        let began = ContinuousClock.now
                        let succeeded = await operation(sequence)
                        sequence += concurrency
                        if succeeded {
                            latencies.append((ContinuousClock.now - began) / .milliseconds(1))
                        } else {
                            errors += 1
                        }
                    }
                    return (latencies, errors)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - start
        let latencies = perWorker.flatMap(\.latencies).sorted()
        return PhaseResult(
            name: name, operations: latencies.count, errors: perWorker.map(\.errors).reduce(0, +),
            seconds: elapsed / .seconds(1), latencies: latencies)
    }
}
