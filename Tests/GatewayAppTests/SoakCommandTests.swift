import Foundation
import Testing

/// The short version of `./scripts/soak`: every fault of the full run, over 16 s of load.
@Suite struct SoakCommandTests {
    @Test func aShortSoakLosesNothingAndDuplicatesNothing() async throws {
        let result = try await CommandLineRunner.runInBackground([
            "soak", "--requests", "40", "--rate", "2.5", "--processor-limit", "600", "--drain-timeout", "90",
        ])
        let rows = Dictionary(
            result.output.split(separator: "\n").filter { $0.hasPrefix("| ") }.map { line in
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                return (cells[0], cells[1])
            }, uniquingKeysWith: { first, _ in first })
        #expect(result.status == 0, "\(result.output)")
        #expect(rows["accepted (202)"] == "40")
        #expect(rows["delivered exactly once"] == "40")
        #expect(rows["completed"] == "40")
        #expect(rows["lost"] == "0")
        #expect(rows["duplicates"] == "0")
        #expect(rows["gateway SIGKILLs + restarts"] == "1")
        // The faults really happened: the processor refused calls and lost callbacks.
        #expect(Int(rows["5xx injected"] ?? "") ?? 0 > 0)
        #expect(rows["callbacks delivered / dropped"]?.hasSuffix(" / 0") == false)
    }
}
