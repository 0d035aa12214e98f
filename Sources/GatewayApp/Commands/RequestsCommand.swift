import ArgumentParser
import Configuration
import DSRCore
import Foundation
import Logging
import Persistence
import SystemPackage

/// `dsr-gateway requests list|show|evidence`: what is in the store, read straight from the database (works while the
/// server is down). Prints no subject data: ids, states, dates and the audit trail only.
struct RequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests", abstract: "List or show stored requests (no subject data is printed).",
        subcommands: [List.self, Show.self, RequestsEvidenceCommand.self])

    /// `requests list [--at-risk [--within-days N]] [--state S] [--limit N]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List requests, newest first; --at-risk lists unfinished ones near or past their deadline.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Only unfinished requests whose regulatory deadline is within --within-days (or past).")
        var atRisk = false

        @Option(help: "With --at-risk: days before the deadline that count as at risk.")
        var withinDays = 7

        @Option(help: "Only requests in this state (repeatable).")
        var state: [String] = []

        @Option(help: "At most this many rows.")
        var limit = 100

        func run() async throws {
            let states = try Set(
                state.map { name in
                    guard let value = RequestState(rawValue: name) else {
                        throw ValidationError("Unknown state \(name).")
                    }
                    return value
                })
            let now = Date()
            let requests = try await store.withStore { store in
                atRisk
                    ? try await store.atRisk(
                        deadlineBefore: now.addingTimeInterval(Double(withinDays) * 86_400), limit: limit)
                    : try await store.list(states: states.isEmpty ? nil : states, submittedBy: nil, limit: limit)
            }
            print(RequestTable(requests: requests, now: now).render())
        }
    }

    /// `requests show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one request and its audit trail.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The request id (subject_request_id).")
        var id: String

        func run() async throws {
            guard let uuid = UUID(uuidString: id) else { throw ValidationError("\(id) is not a request id.") }
            let stored = try await store.withStore { store in try await store.requestWithTrail(id: uuid) }
            guard let (request, audit) = stored else { throw CommandFailure("no request \(id) in this store") }
            print(RequestTable(requests: [request], now: Date()).render())
            print(
                "\nsubject \(request.subject.fingerprint)  attempts \(request.attempts)  last error \(request.lastError ?? "-")"
            )
            print("\nAudit trail:")
            for entry in audit {
                let move = entry.toState.map { to in
                    entry.fromState.map { "\($0.rawValue) → \(to.rawValue)" } ?? "→ \(to.rawValue)"
                }
                print(
                    "  \(Timestamp.format(entry.at))  \(entry.actor.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))  \(move ?? entry.event.rawValue)  \(entry.detail ?? "")"
                )
            }
        }
    }
}

/// Requests as an aligned text table with days to the deadline.
struct RequestTable {
    let requests: [DSRRequest]
    let now: Date

    func render() -> String {
        guard !requests.isEmpty else { return "no requests" }
        var rows = [["id", "type", "regulation", "state", "received", "deadline", "days left"]]
        for request in requests {
            let days = Int((request.deadline.timeIntervalSince(now) / 86_400).rounded(.down))
            rows.append([
                request.subjectRequestId, request.type.rawValue, request.regulation.rawValue, request.state.rawValue,
                String(Timestamp.format(request.receivedAt).prefix(10)),
                String(Timestamp.format(request.deadline).prefix(10)),
                request.state.isTerminal ? "-" : (days < 0 ? "OVERDUE \(-days)d" : "\(days)"),
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
