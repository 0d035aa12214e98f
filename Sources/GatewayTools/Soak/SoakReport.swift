import DSRCore
import Foundation
import ProcessorSimulator

/// What a soak run found, from the client's, the gateway's and the processor's side.
struct SoakReport {
    var offered = 0
    var accepted = 0
    /// Accepted requests the processor holds exactly once, under their own id, with no other id for their subject.
    var deliveredOnce = 0
    /// Extra processor requests for one subject, or processor requests under ids no client offered.
    var duplicates = 0
    /// Accepted requests the processor never received.
    var lost = 0
    var completed = 0
    var failed = 0
    /// Completed access requests, and those whose results the gateway stored (a directory or S3).
    var accessCompleted = 0
    var resultsStored = 0
    /// The longest an accepted request waited in the gateway before the processor received it, in seconds.
    var maxQueueAge = 0.0
    var refusals = RefusalCounts()
    var callbacksSent = 0
    var callbacksDropped = 0
    var gatewayRestarts = 0
    var wallSeconds = 0.0
    /// The workspace limit the run gave the simulator and the gateways.
    var processorLimit = 0
    /// The most calls the simulator counted in any rolling minute.
    var busiestMinute = 0
    /// Each instance's name and the `host:port` its callback URLs carry.
    var instances: [(name: String, authority: String)] = []
    /// Which instance delivered each request, by callback `host:port`.
    var deliveredBy: [String: Int] = [:]
    /// PagerDuty events that changed an alert's state, and events that repeated one.
    var alertTransitions = (changes: 0, duplicates: 0)

    /// Lost, duplicates, 429s caused and duplicate notifications are zero, every offered request was accepted and
    /// completed, and the alert fired at least once (the 429 storm's pause guarantees it), so one notification per
    /// transition was shown, not assumed.
    var passed: Bool {
        lost == 0 && duplicates == 0 && accepted == offered && completed == accepted && refusals.rateLimited == 0
            && alertTransitions.changes > 0 && alertTransitions.duplicates == 0 && resultsStored == accessCompleted
    }

    init(offered: [SoakLoad.Offered], gateway: [String: RequestSnapshot], processor: SimulatorSnapshot) {
        self.offered = offered.count
        let acceptedRequests = offered.filter(\.accepted)
        accepted = acceptedRequests.count
        let offeredIds = Set(offered.map(\.id))
        let byId = Dictionary(grouping: processor.requests, by: \.subjectRequestId)
        let bySubject = Dictionary(grouping: processor.requests.compactMap(\.customerIdFingerprint), by: { $0 })
        let offeredSubjects = Set(offered.map { SubjectIdentity(customerId: $0.customerId).fingerprint })
        duplicates =
            bySubject.filter { offeredSubjects.contains($0.key) }.values.map { $0.count - 1 }.reduce(0, +)
            + processor.requests.filter {
                !offeredIds.contains($0.subjectRequestId)
                    && offeredSubjects.contains($0.customerIdFingerprint ?? "")
            }.count
        for request in acceptedRequests {
            let fingerprint = SubjectIdentity(customerId: request.customerId).fingerprint
            guard let received = byId[request.id], received.count == 1 else {
                lost += 1
                continue
            }
            if bySubject[fingerprint]?.count == 1 { deliveredOnce += 1 }
            guard let state = gateway[request.id] else { continue }
            if state.state == "completed" { completed += 1 }
            if state.state == "completed" && state.type == "access" {
                accessCompleted += 1
                if state.resultLocation != nil { resultsStored += 1 }
            }
            if state.state == "failed" { failed += 1 }
            if let at = Timestamp.parse(received[0].receivedTime) {
                maxQueueAge = max(maxQueueAge, at.timeIntervalSince(state.receivedAt))
            }
        }
        refusals = processor.refusals
        busiestMinute = processor.busiestMinute
        for request in processor.requests where offeredIds.contains(request.subjectRequestId) {
            deliveredBy[request.callbackAuthority ?? "unknown", default: 0] += 1
        }
        callbacksSent = processor.callbacks.sent
        callbacksDropped = processor.callbacks.dropped
    }

    /// "1.00 (7 transitions, 0 repeated)", or "no transitions".
    private var notificationsPerTransition: String {
        let (changes, duplicates) = alertTransitions
        guard changes > 0 else { return "no transitions" }
        return String(format: "%.2f", Double(changes + duplicates) / Double(changes))
            + " (\(changes) transitions, \(duplicates) repeated)"
    }

    /// The table `./scripts/soak` prints.
    var table: String {
        let rows: [(String, String)] =
            [
                ("offered", "\(offered)"),
                ("accepted (202)", "\(accepted)"),
                ("delivered exactly once", "\(deliveredOnce)"),
                ("duplicates", "\(duplicates)"),
                ("lost", "\(lost)"),
                ("completed", "\(completed)"),
                ("failed", "\(failed)"),
                ("access results stored / completed", "\(resultsStored) / \(accessCompleted)"),
                ("max queue age", String(format: "%.1f s", maxQueueAge)),
                ("429s caused (workspace limit)", "\(refusals.rateLimited)"),
                ("429s injected (storm)", "\(refusals.injectedRateLimited)"),
                ("5xx injected", "\(refusals.injectedServerErrors)"),
                ("callbacks delivered / dropped", "\(callbacksSent) / \(callbacksDropped)"),
                ("instance restarts (SIGKILL, rolling)", "\(gatewayRestarts)"),
                ("busiest rolling minute / limit", "\(busiestMinute) / \(processorLimit)"),
                ("alert notifications per transition", notificationsPerTransition),
            ]
            + instances.map { instance in
                ("deliveries by \(instance.name)", "\(deliveredBy[instance.authority] ?? 0)")
            } + [
                ("wall time", String(format: "%.1f s", wallSeconds))
            ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { "| \($0.0.padding(toLength: width, withPad: " ", startingAt: 0)) | \($0.1) |" }
            .joined(separator: "\n")
    }
}
