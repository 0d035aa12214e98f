import Foundation
import Testing

/// The short version of `./scripts/soak`: every fault of the full run, over 16 s of load.
@Suite struct SoakCommandTests {
    @Test func aShortSoakLosesNothingAndDuplicatesNothing() throws {
        let running = try CommandLineRunner.start([
            "soak", "--requests", "40", "--rate", "2.5", "--processor-limit", "600", "--drain-timeout", "90",
        ])
        // A run that hangs must fail the test, not the whole suite: end it after 180 s.
        DispatchQueue.global().asyncAfter(deadline: .now() + 180) {
            if running.process.isRunning { running.process.terminate() }
        }
        let output = String(
            decoding: running.standardOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        running.process.waitUntilExit()
        let rows = Dictionary(
            output.split(separator: "\n").filter { $0.hasPrefix("| ") }.map { line in
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                return (cells[0], cells[1])
            }, uniquingKeysWith: { first, _ in first })
        #expect(running.process.terminationStatus == 0, "\(output)")
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
