import Foundation
import Testing

/// `docs/runbooks.md` promises that every step is a command that exists: each `dsr-gateway …` line in it names a
/// real subcommand, and every option it passes is one that subcommand takes.
@Suite struct RunbookCommandTests {
    static let runbooks = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/runbooks.md")

    /// Every `dsr-gateway …` invocation in the runbooks, as words.
    static func invocations() throws -> [[String]] {
        let text = try String(contentsOf: runbooks, encoding: .utf8)
        return text.split(separator: "\n").flatMap { line in
            line.components(separatedBy: "&&").compactMap { part -> [String]? in
                let words = part.split(separator: " ").map(String.init)
                return words.first == "dsr-gateway" ? words : nil
            }
        }
    }

    @Test func everyRunbookCommandAndOptionExists() async throws {
        let invocations = try Self.invocations()
        #expect(invocations.count >= 10)
        for words in invocations {
            let command = Array(words.dropFirst().prefix { $0.first?.isLetter == true && $0 == $0.lowercased() })
            let help = try await CommandLineRunner.run(command + ["--help"], timeout: 30)
            #expect(help.status == 0, "\(words.joined(separator: " "))")
            for option in words where option.hasPrefix("--") {
                #expect(help.output.contains(option), "\(command.joined(separator: " ")) takes no \(option)")
            }
        }
    }
}
