import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOPosix
import Operations

/// `dsr-gateway alerts …`: the alert rules.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Alert rules: export them, test their routes.",
        subcommands: [AlertsExportCommand.self, AlertsTestCommand.self])
}

/// `dsr-gateway alerts test --rule NAME`: sends a test notification (marked `[TEST]`, its own dedup key) for one
/// rule through the destination its route has in the configuration, once, and says what the receiver answered.
struct AlertsTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Send a test notification for one rule through its configured route.")

    @Option(help: "The rule whose route to test (a name from GET /alerts or the rules file).")
    var rule: String

    @Flag(help: "Send the resolve that closes an earlier test's PagerDuty incident.")
    var resolve = false

    @Option(help: "JSON configuration file (keys as in the README).")
    var config: String?

    func run() async throws {
        let loaded = try await ServeCommand.loadConfigurationOrExit(file: config)
        let alerts = loaded.alerts
        guard let rule = alerts.rules.first(where: { $0.name == self.rule }) else {
            announce("No rule named \(self.rule). Rules: \(alerts.rules.map(\.name).joined(separator: ", ")).")
            throw ExitCode(1)
        }
        guard let destination = alerts.destinations.destination(for: rule.route) else {
            announce(
                "\(rule.name) goes to route \(rule.route.rawValue), which has no destination: set "
                    + (rule.route == .pagerDuty || rule.route == .pagerDutySecurity
                        ? "alerts.pagerduty.routing_key" : "alerts.slack.webhook_url") + ".")
            throw ExitCode(1)
        }
        let notification = AlertNotification(
            AlertTransition(rule: rule, kind: resolve ? .resolved : .firing, value: nil, at: Date()),
            source: alerts.source, runbookBaseURL: alerts.runbookBaseURL, isTest: true)
        let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let result = await AlertSender(httpClient: httpClient).send(
            notification, to: destination, now: Date(), logger: Logger(label: "dsr-gateway.alerts"))
        try await httpClient.shutdown()
        let receiver = if case .pagerDuty = destination { "PagerDuty" } else { "Slack" }
        switch result {
        case .delivered(let status):
            announce(
                "\(notification.title) sent to \(receiver) (route \(rule.route.rawValue), dedup key "
                    + "\(notification.dedupKey)): HTTP \(status)")
        case .retryable(let reason, _), .rejected(let reason):
            announce("\(notification.title) not delivered to \(receiver) (route \(rule.route.rawValue)): \(reason)")
            throw ExitCode(1)
        }
    }
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
