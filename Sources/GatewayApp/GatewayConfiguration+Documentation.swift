import Settings

extension GatewayConfiguration {
    /// The README's configuration table, made from ``documentedKeys``: one row per key, in reading order.
    package static var markdownTable: String {
        (["| key | default | meaning |", "|---|---|---|"]
            + documentedKeys.map { "| `\($0.name)` | \($0.defaultText) | \($0.meaning) |" })
            .joined(separator: "\n")
    }
}
