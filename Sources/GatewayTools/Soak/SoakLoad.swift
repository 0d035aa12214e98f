import Foundation
import NIOHTTP1

/// Offers requests to the gateway's API at a steady rate, as a well-behaved client would: each one is retried with
/// its same id (so never twice under two ids) until the gateway accepts it — through 5xx answers, refused
/// connections while the gateway is down, and answers lost to a SIGKILL. With several instances the requests take
/// turns, and a retry goes to the next instance, as a load balancer would send it.
struct SoakLoad: Sendable {
    let apis: [GatewayAPIClient]
    let count: Int
    let perSecond: Double
    /// A client stops retrying one request after this long.
    let giveUpAfter: Duration

    /// One offered request and whether the gateway accepted it.
    struct Offered: Sendable {
        var id: String
        var customerId: String
        var accepted: Bool
        var attempts: Int
    }

    /// Every fifth request is an access request, every fourth a CCPA one.
    static func body(index: Int, id: String, customerId: String) -> [String: String] {
        [
            "id": id, "subjectId": customerId, "type": index % 5 == 4 ? "access" : "erasure",
            "regulation": index % 4 == 3 ? "ccpa" : "gdpr",
        ]
    }

    func run() async -> [Offered] {
        await withTaskGroup(of: Offered.self) { group in
            let start = ContinuousClock.now
            let runTag = UUID().uuidString.prefix(8).lowercased()
            for index in 0..<count {
                try? await Task.sleep(until: start + .seconds(Double(index) / perSecond))
                let id = UUID().uuidString.lowercased()
                let customerId = "soak-\(runTag)-\(index)"
                group.addTask {
                    await submit(
                        Self.body(index: index, id: id, customerId: customerId), id: id, customerId: customerId,
                        first: index)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    private func submit(_ body: [String: String], id: String, customerId: String, first: Int) async -> Offered {
        let deadline = ContinuousClock.now + giveUpAfter
        var attempts = 0
        while ContinuousClock.now < deadline {
            attempts += 1
            let api = apis[(first + attempts - 1) % apis.count]
            if let answer = try? await api.send(.POST, "/data-subject-requests", json: body),
                answer.status == 202 || answer.status == 200
            {
                return Offered(id: id, customerId: customerId, accepted: true, attempts: attempts)
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return Offered(id: id, customerId: customerId, accepted: false, attempts: attempts)
    }
}
