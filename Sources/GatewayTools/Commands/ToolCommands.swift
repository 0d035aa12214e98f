import ArgumentParser

/// The demo, soak and benchmark commands, for the root command to list.
package enum ToolCommands {
    package static let all: [any ParsableCommand.Type] = [DemoCommand.self, SoakCommand.self, BenchCommand.self]
}
