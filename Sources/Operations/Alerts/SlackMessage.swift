import Foundation

/// A Slack incoming-webhook message: `text` (the notification and fallback line) and Block Kit `blocks` naming the
/// rule, value, threshold and runbook.
struct SlackMessage: Encodable, Equatable {
    var text: String
    var blocks: [Block]

    /// A Block Kit text object (`plain_text` or `mrkdwn`).
    struct Text: Encodable, Equatable {
        var type: String
        var text: String
    }

    /// A `header`, `section` or `context` block; absent fields are left out of the JSON.
    struct Block: Encodable, Equatable {
        var type: String
        var text: Text?
        var fields: [Text]?
        var elements: [Text]?
    }

    init(_ notification: AlertNotification) {
        text = Self.escape(notification.line)
        let runbook =
            notification.runbookURL != nil
            ? "<\(Self.escape(notification.runbook))|\(Self.escape(notification.rule)) runbook>"
            : Self.escape(notification.runbook)
        blocks = [
            Block(type: "header", text: Text(type: "plain_text", text: String(notification.title.prefix(150)))),
            // Slack refuses a section text over 3000 characters.
            Block(
                type: "section",
                text: Text(type: "mrkdwn", text: String(Self.escape(notification.summary).prefix(3000)))),
            Block(
                type: "section",
                fields: [
                    Text(type: "mrkdwn", text: "*Rule*\n\(Self.escape(notification.rule))"),
                    Text(type: "mrkdwn", text: "*Severity*\n\(notification.severity.rawValue)"),
                    Text(type: "mrkdwn", text: "*Value*\n\(Self.escape(notification.valueText))"),
                    Text(type: "mrkdwn", text: "*Threshold*\n\(Self.escape(notification.thresholdText))"),
                ]),
            Block(
                type: "context",
                elements: [Text(type: "mrkdwn", text: "Runbook: \(runbook) · \(Self.escape(notification.source))")]),
        ]
    }

    /// Slack's three control characters, escaped as its formatting guide asks.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
