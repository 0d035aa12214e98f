import CoreMetrics
import DSRCore
import Foundation
import Prometheus
import Synchronization

/// The gateway's metrics: recorded through the swift-metrics API on a factory of its own (so each application, and
/// each test, has its own registry) backed by swift-prometheus, and rendered for `GET /metrics` with the
/// catalogue's help texts.
package final class GatewayMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    let inFlightCount = Atomic<Int>(0)

    package init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = MetricsCatalogue.latencyBuckets
        self.factory = factory
        // Every type × regulation series exists from the start, so dashboards and ratios see zeros, not gaps.
        for type in RequestType.allCases {
            for regulation in Regulation.allCases {
                for definition in [
                    MetricsCatalogue.requestsSubmitted, MetricsCatalogue.requestsCompleted,
                    MetricsCatalogue.requestsFailed, MetricsCatalogue.retryBudgetSpent,
                ] {
                    counter(definition, [type.rawValue, regulation.rawValue]).increment(by: 0)
                }
            }
        }
        for result in ["success", "failure"] {
            counter(MetricsCatalogue.certificateValidations, [result]).increment(by: 0)
        }
        for reason in CallbackRefusal.allCases {
            counter(MetricsCatalogue.callbacksRefused, [reason.rawValue]).increment(by: 0)
        }
        for limit in ["api_key", "callback_sender"] {
            counter(MetricsCatalogue.rateLimited, [limit]).increment(by: 0)
        }
        for route in AlertRoute.allCases {
            for outcome in AlertNotificationOutcome.allCases {
                counter(MetricsCatalogue.alertNotifications, [route.rawValue, outcome.rawValue]).increment(by: 0)
            }
        }
    }

    func counter(_ definition: MetricDefinition, _ values: [String]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: definition.name, dimensions: dimensions(definition, values), factory: factory)
    }

    func floatingPointCounter(_ definition: MetricDefinition) -> CoreMetrics.FloatingPointCounter {
        CoreMetrics.FloatingPointCounter(label: definition.name, dimensions: [], factory: factory)
    }

    func gauge(_ definition: MetricDefinition, _ values: [String] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: definition.name, dimensions: dimensions(definition, values), factory: factory)
    }

    func timer(_ definition: MetricDefinition, _ values: [String]) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: definition.name, dimensions: dimensions(definition, values), factory: factory)
    }

    private func dimensions(_ definition: MetricDefinition, _ values: [String]) -> [(String, String)] {
        precondition(values.count == definition.labels.count, "\(definition.name) takes \(definition.labels)")
        return Array(zip(definition.labels, values))
    }

    /// The Prometheus text exposition, each family with its `# HELP` line from the catalogue.
    package func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let help = Dictionary(uniqueKeysWithValues: MetricsCatalogue.all.map { ($0.name, $0.help) })
        var lines: [Substring] = []
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("# TYPE "), let name = line.split(separator: " ").dropFirst(2).first,
                let text = help[String(name)]
            {
                lines.append("# HELP \(name) \(text)")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
