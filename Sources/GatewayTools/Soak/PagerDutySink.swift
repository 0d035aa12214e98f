import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Stands in for PagerDuty's Events API in a soak run, on loopback: records each event's dedup key and action
/// (`trigger` or `resolve`), so the run can count notifications per alert transition.
final class PagerDutySink: Sendable {
    /// One event received.
    struct Event: Sendable, Equatable {
        var dedupKey: String
        var action: String
    }

    private let received = Mutex<[Event]>([])
    private let port = Mutex<Int?>(nil)

    /// Everything received so far, in order.
    var events: [Event] { received.withLock { $0 } }

    /// Serves until cancelled.
    func run(logger: Logger) async throws {
        let router = Router()
        router.post("/v2/enqueue") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
            self.received.withLock {
                $0.append(
                    Event(
                        dedupKey: json["dedup_key"] as? String ?? "", action: json["event_action"] as? String ?? ""))
            }
            return Response(
                status: .accepted, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"success","message":"Event processed"}"#)))
        }
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in self.port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        try await application.run()
    }

    /// The events URL once the server listens (waits up to 10 s).
    func waitUntilListening() async throws -> String {
        for _ in 0..<100 {
            if let port = port.withLock({ $0 }) { return "http://127.0.0.1:\(port)/v2/enqueue" }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SoakError("the PagerDuty stand-in did not start")
    }

    /// How many notifications each alert transition produced: for each dedup key the events alternate trigger →
    /// resolve → trigger …; an event repeating the one before it for its key is a duplicate. Returns the transitions
    /// (events that changed the state) and the duplicates.
    var transitions: (changes: Int, duplicates: Int) {
        var last: [String: String] = [:]
        var changes = 0
        var duplicates = 0
        for event in events {
            if last[event.dedupKey] == event.action { duplicates += 1 } else { changes += 1 }
            last[event.dedupKey] = event.action
        }
        return (changes, duplicates)
    }
}
