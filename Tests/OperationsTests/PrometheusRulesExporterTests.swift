import Operations
import Testing

/// Each rule kind exported as the PromQL that means the same thing.
@Suite struct PrometheusRulesExporterTests {
    @Test func eachDefaultRuleBecomesTheSameConditionInPromQL() throws {
        let rules = Dictionary(
            uniqueKeysWithValues: DefaultAlertRules.rules.map { ($0.name, $0) })
        func expression(_ name: String) throws -> String {
            PrometheusRulesExporter.expression(try #require(rules[name]))
        }
        #expect(
            try expression("HighErrorRate")
                == #"sum(increase(dsr_gateway_http_requests_total{status_class="5xx",route!~"/health|/health/live|/health/ready|/metrics|/dashboard"}[5m])) / sum(increase(dsr_gateway_http_requests_total{route!~"/health|/health/live|/health/ready|/metrics|/dashboard"}[5m])) > 0.05"#
        )
        #expect(
            try expression("FailureRate")
                == "sum(increase(dsr_gateway_requests_failed_total[1h])) / sum(increase(dsr_gateway_requests_submitted_total[1h])) > 0.05"
        )
        #expect(
            try expression("CertValidationSuccessLow")
                == #"sum(increase(dsr_gateway_certificate_validations_total{result="success"}[15m])) / sum(increase(dsr_gateway_certificate_validations_total[15m])) < 0.95"#
        )
        #expect(
            try expression("BatonFailures")
                == #"sum(increase(dsr_gateway_http_requests_total{route="/baton",status_class="5xx"}[5m])) > 2"#
        )
        #expect(try expression("ProcessorUnreachable") == "max(dsr_gateway_processor_circuit_open) > 0")
        #expect(
            try expression("UpstreamLatency")
                == #"histogram_quantile(0.95, sum by (le) (rate(dsr_gateway_processor_request_duration_seconds_bucket{operation!~"download"}[5m]))) > 5"#
        )
        #expect(
            try expression("CertValidationFailures")
                == #"sum(increase(dsr_gateway_certificate_validations_total{result="failure"}[5m])) / sum(increase(dsr_gateway_certificate_validations_total[5m])) > 0.01"#
        )
        #expect(try expression("DeadlineApproaching") == "max(dsr_gateway_requests_deadline_imminent) > 0")
        #expect(try expression("UpstreamFailures") == "sum(increase(dsr_gateway_requests_failed_total[15m])) > 10")
        #expect(
            try expression("HighLatency")
                == "histogram_quantile(0.95, sum by (le) (rate(dsr_gateway_http_request_duration_seconds_bucket[10m]))) > 2"
        )
        #expect(try expression("CertExpiry") == "min(dsr_gateway_certificate_expires_in_seconds) < 2592000")
        #expect(
            try expression("HighVolume")
                == "(sum(rate(dsr_gateway_requests_submitted_total[30m])) / sum(rate(dsr_gateway_requests_submitted_total[1d] offset 30m))) > 2"
        )
        #expect(try expression("DispatcherStalled") == "max(dsr_gateway_queue_oldest_age_seconds) > 600")
    }
}
