import DSRCore
import Foundation
import NIOHTTP1
import ProcessorSimulator

/// The demo's steps: submit through the API and through Baton, watch delivery, advance simulated time until every
/// request finishes, then ask Baton's status questions and summarise.
struct DemoScript {
    let api: GatewayAPIClient
    let simulator: ProcessorSimulator
    let clock: ManualWallClock
    /// Where the gateway keeps archives; answers name an archive by its file name in it.
    let resultsDirectory: URL

    func run() async throws -> DemoRunner.Summary {
        var timeline = DemoTimeline(start: clock.now)
        print("dsr-gateway demo: gateway + processor simulator on loopback, SQLite, simulated clock\n")
        let erasure = try await submit(
            [
                "regulation": "gdpr", "type": "erasure", "subjectId": "demo-customer-1001",
                "subjectEmail": "ada@example.com",
            ],
            label: "erasure/gdpr", timeline: &timeline)
        let access = try await submit(
            ["regulation": "ccpa", "type": "access", "subjectId": "demo-customer-1002"], label: "access/ccpa",
            timeline: &timeline)
        let rer = try await batonInitiate("RER", subjectId: "demo-customer-2001", timeline: &timeline)
        let sar = try await batonInitiate("SAR", subjectId: "demo-customer-2002", timeline: &timeline)
        let ids = [erasure, access, rer, sar]
        print("\nTimeline (simulated time):")
        var snapshots = try await waitUntil(ids, timeline: &timeline) { $0.allSatisfy { $0.state != "queued" } }
        var elapsed: TimeInterval = 0
        let step: TimeInterval = 6 * 3600
        while !snapshots.allSatisfy(\.isTerminal), elapsed < 30 * 86_400 {
            try await simulator.advance(by: step)
            elapsed += step
            snapshots = try await show(ids, timeline: &timeline)
        }
        snapshots = try await waitUntil(ids, timeline: &timeline) { $0.allSatisfy(\.hasResultsDecided) }
        print("\nBaton status calls:")
        let rerCompleted = try await batonStatus("RER", rer)
        let sarCompleted = try await batonStatus("SAR", sar)
        printSummary(snapshots, timeline: timeline)
        return DemoRunner.Summary(
            requests: snapshots,
            allSucceeded: rerCompleted && sarCompleted
                && snapshots.allSatisfy { $0.state == "completed" && $0.hasResultsDecided })
    }

    private func batonInitiate(_ requestType: String, subjectId: String, timeline: inout DemoTimeline) async throws
        -> String
    {
        let dataProvider = requestType == "RER" ? "mparticlerer" : "mparticlesar"
        let answer = try await api.send(
            .POST, "/baton",
            json: [
                "requestType": requestType, "action": "initiate", "dataProvider": dataProvider, "subjectId": subjectId,
            ])
        guard answer.status == 200, let reference = answer.json?["initiationReference"] as? String else {
            throw GatewayAPIClientError(status: answer.status)
        }
        timeline.name(reference, as: "baton \(requestType)")
        print("POST /baton {\"requestType\":\"\(requestType)\",\"action\":\"initiate\"} → pending \(reference)")
        return reference
    }

    /// Asks Baton's status question and prints the answer; true when it is `completed`.
    private func batonStatus(_ requestType: String, _ reference: String) async throws -> Bool {
        let answer = try await api.send(
            .POST, "/baton", json: ["requestType": requestType, "action": "status", "initiationReference": reference])
        let status = answer.json?["status"] as? String ?? "?"
        let locations = (answer.json?["resultLocations"] as? [String]).map { " resultLocations: \($0.count)" } ?? ""
        print(
            "  \(requestType) \(reference.prefix(8)) → \(status): \(answer.json?["message"] as? String ?? "")\(locations)"
        )
        return status == "completed"
    }

    private func submit(_ body: [String: String], label: String, timeline: inout DemoTimeline) async throws -> String {
        let answer = try await api.send(.POST, "/data-subject-requests", json: body)
        guard answer.status == 202, let id = answer.json?["id"] as? String else {
            throw GatewayAPIClientError(status: answer.status)
        }
        timeline.name(id, as: label)
        print("POST /data-subject-requests  \(label.padding(toLength: 13, withPad: " ", startingAt: 0)) → 202 \(id)")
        return id
    }

    /// Delivery and downloads run in the background: wait (real time, at most 10 s) until `done` holds.
    @discardableResult
    private func waitUntil(
        _ ids: [String], timeline: inout DemoTimeline, _ done: ([RequestSnapshot]) -> Bool
    ) async throws -> [RequestSnapshot] {
        var snapshots: [RequestSnapshot] = []
        for _ in 0..<500 {
            snapshots = try await show(ids, timeline: &timeline)
            if done(snapshots) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return snapshots
    }

    private func show(_ ids: [String], timeline: inout DemoTimeline) async throws -> [RequestSnapshot] {
        var snapshots: [RequestSnapshot] = []
        for id in ids {
            let snapshot = try await api.request(id)
            timeline.show(snapshot)
            snapshots.append(snapshot)
        }
        return snapshots
    }

    private func printSummary(_ snapshots: [RequestSnapshot], timeline: DemoTimeline) {
        print("\nSummary:")
        let header = ["request", "type", "regulation", "state", "finished", "deadline", "result"]
        var rows = [header]
        for snapshot in snapshots {
            let finished = snapshot.audit.last(where: { $0.toState == snapshot.state })?.at
            rows.append([
                String(snapshot.id.prefix(8)), snapshot.type, snapshot.regulation, snapshot.state,
                finished.map(timeline.offset) ?? "-", Timestamp.format(snapshot.deadline).prefix(10).description,
                snapshot.type == "erasure" ? "n/a" : snapshot.resultsStatus ?? "-",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            let cells = zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            print("  " + cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            if index == 0 { print("  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        for snapshot in snapshots {
            guard let name = snapshot.resultLocation else { continue }
            print("\nAccess result of \(snapshot.id.prefix(8)):")
            let file = resultsDirectory.appendingPathComponent(name)
            print(ResultsArchiveSummary(file: file, requestID: snapshot.id, audit: snapshot.audit).render())
        }
    }
}

extension RequestSnapshot {
    /// Terminal state reached.
    var isTerminal: Bool {
        ["completed", "cancelled", "failed"].contains(state)
    }

    /// An erasure has no results; an access request's archive has been stored (or found empty).
    var hasResultsDecided: Bool {
        type == "erasure" || resultsStatus != nil
    }
}
