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
            summary: More than 5 % of API requests answered 5xx over 5 minutes (health checks, scrapes, dashboard aside)
            kind: ratio
            metric: dsr_gateway_http_requests_total
            match: {status_class: 5xx}
            exclude: {route: [\(MetricsCatalogue.operationalRoutes.joined(separator: ", "))]}
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
          - name: CertValidationSuccessLow
            summary: Fewer than 95 % of callbacks from allowed domains passed certificate and signature checks over 15 minutes
            kind: ratio
            metric: dsr_gateway_certificate_validations_total
            match: {result: success}
            window: 15m
            below: 0.95
            for: 5m
            severity: high
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
          - name: RequestFailed
            summary: A data subject request failed; a person must see to it before its deadline
            kind: count
            metric: dsr_gateway_requests_failed_total
            window: 5m
            above: 0
            for: 30s
            severity: warning
            route: slack
            runbook: docs/runbooks.md#a-request-failed
          - name: FailureRate
            summary: More than 5 % of data subject requests failed, against those submitted, over 1 hour
            kind: ratio
            metric: dsr_gateway_requests_failed_total
            over: dsr_gateway_requests_submitted_total
            window: 1h
            above: 0.05
            for: 5m
            severity: high
            route: pagerduty
            runbook: docs/runbooks.md#failure-rate
          - name: UpstreamLatency
            summary: P95 of processor calls (archive downloads aside) above 5000 ms over 5 minutes
            kind: percentile
            metric: dsr_gateway_processor_request_duration_seconds
            exclude: {operation: [download]}
            quantile: 0.95
            window: 5m
            above: 5
            for: 5m
            severity: warning
            route: slack
            runbook: docs/runbooks.md#upstream-latency
          - name: ProcessorUnreachable
            summary: The circuit to the processor has been open for 5 minutes (every call failing)
            kind: gauge
            metric: dsr_gateway_processor_circuit_open
            above: 0
            for: 5m
            severity: high
            route: pagerduty
            runbook: docs/runbooks.md#processor-unreachable
          - name: BatonFailures
            summary: More than 2 Baton calls answered 5xx in 5 minutes
            kind: count
            metric: dsr_gateway_http_requests_total
            match: {route: /baton, status_class: 5xx}
            window: 5m
            above: 2
            for: 1m
            severity: high
            route: pagerduty
            runbook: docs/runbooks.md#baton-troubleshooting
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
          - name: AuditLogUnsealed
            summary: Audit entries have waited more than 15 minutes for a signed checkpoint
            kind: gauge
            metric: dsr_gateway_audit_unsealed_age_seconds
            above: 900
            for: 5m
            severity: high
            route: pagerduty-security
            runbook: docs/runbooks.md#audit-log-not-sealed
        """
}
