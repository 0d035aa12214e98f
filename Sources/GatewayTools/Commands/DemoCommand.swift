import ArgumentParser

/// `dsr-gateway demo`: the whole lifecycle against the built-in simulator on loopback, with a simulated clock.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Submit requests through the API and Baton to the built-in simulator and follow them to completion.")

    func run() async throws {
        let summary = try await DemoRunner().run()
        guard summary.allSucceeded else { throw ExitCode.failure }
    }
}
