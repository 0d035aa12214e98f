/// The default rules file: the operations guide's alerts plus ours. `dsr-gateway alerts export --format yaml` prints
/// it, to copy and edit; `alerts.rules_file` points the gateway at an edited copy.
package enum DefaultAlertRules {
    /// The default rules, parsed (the tests prove the text parses, so a failure here is a build defect).
    package static let rules: [AlertRule] = {
        do {
            return try AlertRulesFile.parse(yaml)
        } catch {
            preconditionFailure("the built-in alert rules do not parse: \(error)")
        }
    }()

    package static let yaml = """
        # dsr-gateway alert rules. Kinds: ratio, count, percentile, gauge, baseline_ratio (see the README).
        rules:
          - name: HighErrorRate
            summary: More than 5 % of HTTP requests answered 5xx over 5 minutes
            kind: ratio
            metric: dsr_gateway_http_requests_total
            match: {status_class: 5xx}
            window: 5m
            above: 0.05
            for: 1m
            severity: critical
            route: pagerduty
            runbook: docs/runbooks.md#high-error-rate
          - name: CertValidationFailures
            summary: More than 1 % of processor callbacks failed certificate or signature validation over 5 minutes
            kind: ratio
            metric: dsr_gateway_certificate_validations_total
            match: {result: failure}
            window: 5m
            above: 0.01
            for: 1m
            severity: critical
            route: pagerduty-security
            runbook: docs/runbooks.md#certificate-validation-failures
          - name: UpstreamFailures
            summary: More than 10 data subject requests failed in 15 minutes
            kind: count
            metric: dsr_gateway_requests_failed_total
            window: 15m
            above: 10
            for: 1m
            severity: high
            route: pagerduty
            runbook: docs/runbooks.md#processor-failures
          - name: HighLatency
            summary: HTTP P95 latency above 2000 ms over 10 minutes
            kind: percentile
            metric: dsr_gateway_http_request_duration_seconds
            quantile: 0.95
            window: 10m
            above: 2
            for: 5m
            severity: warning
            route: slack
            runbook: docs/runbooks.md#high-latency
          - name: CertExpiry
            summary: The processor's callback certificate expires in less than 30 days
            kind: gauge
            metric: dsr_gateway_certificate_expires_in_seconds
            below: 2592000
            for: 10m
            severity: warning
            route: slack-security
            runbook: docs/runbooks.md#certificate-expiry
          - name: HighVolume
            summary: Submissions over 30 minutes at more than 200 % of the day before
            kind: baseline_ratio
            metric: dsr_gateway_requests_submitted_total
            window: 30m
            baseline: 1d
            above: 2
            for: 5m
            severity: info
            route: slack
            runbook: docs/runbooks.md#unusual-volume
          - name: DeadlineApproaching
            summary: A request is less than 3 days from its regulatory deadline and not finished
            kind: gauge
            metric: dsr_gateway_requests_deadline_imminent
            above: 0
            for: 5m
            severity: high
            route: pagerduty
            runbook: docs/runbooks.md#deadline-approaching
          - name: DispatcherStalled
            summary: The oldest queued request has waited more than 10 minutes
            kind: gauge
            metric: dsr_gateway_queue_oldest_age_seconds
            above: 600
            for: 1m
            severity: high
            route: pagerduty
            runbook: docs/runbooks.md#dispatcher-not-draining
        """
}
