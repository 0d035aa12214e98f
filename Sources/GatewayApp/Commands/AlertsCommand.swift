import ArgumentParser
import Foundation
import Operations

/// `dsr-gateway alerts …`: the alert rules.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Alert rules: export them.", subcommands: [AlertsExportCommand.self])
}

/// `dsr-gateway alerts export`: the rules (the defaults, or `--rules FILE` after checking it) as Prometheus alerting
/// rules over `/metrics` names, or as this service's own YAML to copy and edit.
struct AlertsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print the alert rules as Prometheus alerting rules or as dsr-gateway YAML.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case prometheus, yaml
    }

    @Option(help: "prometheus (for promtool / Prometheus) or yaml (this service's rules file).")
    var format: Format = .prometheus

    @Option(help: "A rules file to check and export instead of the defaults.")
    var rules: String?

    func run() async throws {
        let text: String
        if let rules {
            guard let contents = try? String(contentsOfFile: rules, encoding: .utf8) else {
                throw ValidationError("Cannot read the rules file \(rules).")
            }
            text = contents
        } else {
            text = DefaultAlertRules.yaml
        }
        let parsed: [AlertRule]
        do {
            parsed = try AlertRulesFile.parse(text)
        } catch {
            announce("invalid rules file \(rules ?? "(defaults)"): \(error)")
            throw ExitCode(1)
        }
        announce(format == .prometheus ? PrometheusRulesExporter.yaml(parsed) : text)
    }
}
