import Foundation
import Persistence
import S3
import Testing
import TestSupport

/// The short versions of `./scripts/soak`: every fault of the full run, over 16 s of load, for one instance and for a
/// fleet of three.
@Suite struct SoakCommandTests {
    /// The table's rows by their first cell.
    static func rows(_ output: String) -> [String: String] {
        Dictionary(
            output.split(separator: "\n").filter { $0.hasPrefix("| ") }.map { line in
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                return (cells[0], cells[1])
            }, uniquingKeysWith: { first, _ in first })
    }

    /// The run passed, and its table says every offered request was delivered once and completed; returns the rows.
    static func passedWithNothingLost(_ result: CommandLineRunner.Result, offered: Int) -> [String: String] {
        let rows = rows(result.output)
        #expect(result.status == 0, "\(result.output)")
        for row in ["accepted (202)", "delivered exactly once", "completed"] { #expect(rows[row] == "\(offered)") }
        #expect(rows["lost"] == "0")
        #expect(rows["duplicates"] == "0")
        return rows
    }

    @Test func aShortSoakLosesNothingAndDuplicatesNothing() async throws {
        let result = try await CommandLineRunner.run([
            "soak", "--requests", "40", "--rate", "2.5", "--processor-limit", "600", "--drain-timeout", "90",
        ])
        let rows = Self.passedWithNothingLost(result, offered: 40)
        #expect(rows["instance restarts (SIGKILL, rolling)"] == "1")
        // The faults really happened: the processor refused calls and lost callbacks.
        #expect(Int(rows["5xx injected"] ?? "") ?? 0 > 0)
        #expect(rows["callbacks delivered / dropped"]?.hasSuffix(" / 0") == false)
    }

    /// Three instances on one PostgreSQL database with results in S3 (moto, signatures checked), one SIGKILLed and
    /// all restarted in turn mid-run, paced to a limit they reach together.
    @Test func aShortFleetSoakSharesTheWorkAndKeepsOneWorkspaceLimit() async throws {
        let server = try TestPostgres.server
        let result = try await MotoServer.run { moto in
            let credentials = moto.identities.role
            return try await CommandLineRunner.run(
                [
                    "soak", "--requests", "40", "--rate", "2.5", "--processor-limit", "120", "--drain-timeout", "120",
                    "--instances", "3", "--store", "postgres", "--postgres-url", server.connectionString,
                    "--s3-endpoint", moto.endpoint,
                ],
                environment: [
                    "AWS_ACCESS_KEY_ID": credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
                    "AWS_SESSION_TOKEN": credentials.sessionToken ?? "",
                ], timeout: 240)
        }
        let rows = Self.passedWithNothingLost(result, offered: 40)
        #expect(rows["access results stored / completed"] == "8 / 8")
        #expect(rows["429s caused (workspace limit)"] == "0")
        // One SIGKILL and a rolling restart of all three.
        #expect(rows["instance restarts (SIGKILL, rolling)"] == "4")
        // Every instance delivered some of the work.
        for instance in 1...3 {
            #expect(Int(rows["deliveries by instance-\(instance)"] ?? "") ?? 0 > 0)
        }
        // The fleet never went over the limit in any rolling minute.
        let busiest = rows["busiest rolling minute / limit"]?.split(separator: "/").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        #expect(busiest?.count == 2 && busiest![0] <= busiest![1])
        let notifications = rows["alert notifications per transition"] ?? "-"
        #expect(notifications.hasPrefix("1.00"), "\(result.output)")
    }
}
