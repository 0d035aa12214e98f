import CallbackVerification
import Foundation

/// The operations guide's CloudWatch metrics as Embedded Metric Format log lines, for AWS deployments: namespace
/// `MParticleAPI`, dimensions `Environment` and (for request counts) `RequestType` such as `gdpr_delete`. Counters are
/// reported as what changed since the previous report, so CloudWatch sums them.
package struct CloudWatchEMF: Sendable {
    static let namespace = "MParticleAPI"
    let environment: String

    package init(environment: String) {
        self.environment = environment
    }

    /// The guide's `RequestType` for a type and regulation (`erasure` is `delete`).
    static func requestType(type: String, regulation: String) -> String {
        "\(regulation)_\(type == "erasure" ? "delete" : type)"
    }

    /// One line per `RequestType` with submitted / completed / failed, and one with the other guide metrics.
    package func lines(current: MetricsText, previous: MetricsText?, at now: Date) -> [String] {
        func delta(_ name: String, _ labels: [String: String] = [:]) -> Double {
            current.sum(name, labels) - (previous?.sum(name, labels) ?? 0)
        }
        var lines: [String] = []
        for sample in current.matching(MetricsCatalogue.requestsSubmitted.name) {
            guard let type = sample.labels["type"], let regulation = sample.labels["regulation"] else { continue }
            let labels = ["type": type, "regulation": regulation]
            lines.append(
                line(
                    at: now, dimensions: ["RequestType": Self.requestType(type: type, regulation: regulation)],
                    metrics: [
                        ("DSRRequestsSubmitted", "Count", delta(MetricsCatalogue.requestsSubmitted.name, labels)),
                        ("DSRRequestsCompleted", "Count", delta(MetricsCatalogue.requestsCompleted.name, labels)),
                        ("DSRRequestsFailed", "Count", delta(MetricsCatalogue.requestsFailed.name, labels)),
                    ]))
        }
        let validations = MetricsCatalogue.certificateValidations.name
        var other: [(String, String, Double)] = [
            ("CertificateValidationSuccess", "Count", delta(validations, ["result": "success"])),
            ("CertificateValidationFailure", "Count", delta(validations, ["result": "failure"])),
            ("BatonIntegrationCalls", "Count", delta(MetricsCatalogue.batonCalls.name)),
        ]
        let latency = MetricsCatalogue.processorDuration.name
        let calls = delta(latency + "_count")
        if calls > 0 { other.append(("MParticleAPILatency", "Milliseconds", delta(latency + "_sum") / calls * 1000)) }
        if let seconds = current.matching(MetricsCatalogue.certificateExpiry.name).map(\.value).min() {
            other.append(("CertificateExpiryDays", "None", Double(ValidatedCertificate.wholeDays(seconds))))
        }
        lines.append(line(at: now, dimensions: [:], metrics: other))
        return lines
    }

    private func line(at now: Date, dimensions: [String: String], metrics: [(String, String, Double)]) -> String {
        var object: [String: Any] = [
            "_aws": [
                "Timestamp": Int64(now.timeIntervalSince1970 * 1000),
                "CloudWatchMetrics": [
                    [
                        "Namespace": Self.namespace,
                        "Dimensions": [["Environment"] + dimensions.keys.sorted()],
                        "Metrics": metrics.map { ["Name": $0.0, "Unit": $0.1] },
                    ]
                ],
            ],
            "Environment": environment,
        ]
        for (key, value) in dimensions { object[key] = value }
        for (name, _, value) in metrics { object[name] = value }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
