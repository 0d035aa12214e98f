/// One exported metric: its Prometheus name, labels and help text (docs/operations.md maps the operations guide's
/// CloudWatch names to these).
package struct MetricDefinition: Sendable, Hashable {
    package let name: String
    package let labels: [String]
    package let help: String

    /// How a metric is exposed, which decides the alert rules that can read it.
    package enum MetricType: String, Sendable {
        case counter, gauge, histogram
    }

    /// Counters end in `_total`, the latency histograms in `_duration_seconds`; the rest are gauges.
    package var type: MetricType {
        if name.hasSuffix("_total") { return .counter }
        return name.hasSuffix("_duration_seconds") ? .histogram : .gauge
    }
}

/// Every metric the gateway exports, in one place (names `dsr_gateway_…` with unit suffixes; labels bounded, never
/// ids or subject data).
package enum MetricsCatalogue {
    package static let requestsSubmitted = MetricDefinition(
        name: "dsr_gateway_requests_submitted_total", labels: ["type", "regulation"],
        help: "Data subject requests accepted (API and Baton).")
    package static let requestsCompleted = MetricDefinition(
        name: "dsr_gateway_requests_completed_total", labels: ["type", "regulation"],
        help: "Data subject requests the processor reported completed (access: before the results are fetched).")
    package static let requestsFailed = MetricDefinition(
        name: "dsr_gateway_requests_failed_total", labels: ["type", "regulation"],
        help: "Data subject requests that ended failed (processor refusal, unknown duplicate, retry budget spent).")
    package static let retryBudgetSpent = MetricDefinition(
        name: "dsr_gateway_retry_budget_exhausted_total", labels: ["type", "regulation"],
        help: "Requests failed because their delivery retry budget ran out (each one needs a person).")
    package static let certificateValidations = MetricDefinition(
        name: "dsr_gateway_certificate_validations_total", labels: ["result"],
        help: "Processor callbacks by certificate and signature validation result (success, failure).")
    package static let callbacksRefused = MetricDefinition(
        name: "dsr_gateway_callbacks_refused_total", labels: ["reason"],
        help: "Callbacks refused for anything but a failed certificate or signature check of an allowed domain "
            + "(unsigned, unknown domain, misaddressed, unreadable): forged or broken traffic, not a certificate problem."
    )
    package static let rateLimited = MetricDefinition(
        name: "dsr_gateway_http_rate_limited_total", labels: ["limit"],
        help: "Requests answered 429 by an inbound rate limit (api_key: per API key; callback_sender: per address).")
    package static let certificateExpiry = MetricDefinition(
        name: "dsr_gateway_certificate_expires_in_seconds", labels: ["domain"],
        help: "Seconds until the processor's validated callback certificate expires (divide by 86400 for days).")
    package static let batonCalls = MetricDefinition(
        name: "dsr_gateway_baton_calls_total", labels: ["request_type", "action"],
        help: "Baton data-provider calls by request type (RER, SAR) and action (initiate, status).")
    package static let processorDuration = MetricDefinition(
        name: "dsr_gateway_processor_request_duration_seconds", labels: ["operation", "outcome"],
        help: "Calls to the OpenDSR processor by operation and outcome (held calls are not sent and not counted).")
    /// Routes for operators and machines, not users: left out of the API's error rate and the dashboard's traffic.
    package static let operationalRoutes = ["/health", "/health/live", "/health/ready", "/metrics", "/dashboard"]
    package static let httpRequests = MetricDefinition(
        name: "dsr_gateway_http_requests_total", labels: ["method", "route", "status_class"],
        help: "HTTP requests served, by route template and status class (2xx, 4xx, 5xx).")
    package static let httpDuration = MetricDefinition(
        name: "dsr_gateway_http_request_duration_seconds", labels: ["method", "route"],
        help: "HTTP request latency by route template.")
    package static let requestsByState = MetricDefinition(
        name: "dsr_gateway_requests", labels: ["state"],
        help: "Data subject requests in the store, by state.")
    package static let queueDepth = MetricDefinition(
        name: "dsr_gateway_queue_depth", labels: [],
        help: "Requests accepted and not yet delivered to the processor.")
    package static let queueOldestAge = MetricDefinition(
        name: "dsr_gateway_queue_oldest_age_seconds", labels: [],
        help: "Seconds the oldest undelivered request has waited (0 when the queue is empty).")
    package static let auditUnsealedAge = MetricDefinition(
        name: "dsr_gateway_audit_unsealed_age_seconds", labels: [],
        help:
            "Seconds the oldest audit entry not yet covered by a signed checkpoint has waited (0 when all are sealed).")
    package static let deadlineAtRisk = MetricDefinition(
        name: "dsr_gateway_requests_deadline_at_risk", labels: [],
        help: "Unfinished requests whose regulatory deadline is less than 7 days away.")
    package static let deadlinePassed = MetricDefinition(
        name: "dsr_gateway_requests_deadline_passed", labels: [],
        help: "Unfinished requests past their regulatory deadline.")
    package static let deadlineImminent = MetricDefinition(
        name: "dsr_gateway_requests_deadline_imminent", labels: [],
        help: "Unfinished requests less than 3 days from their regulatory deadline, or past it.")
    package static let circuitOpen = MetricDefinition(
        name: "dsr_gateway_processor_circuit_open", labels: [],
        help: "1 while the processor circuit breaker holds calls (open or half-open), else 0.")
    package static let processorUsage = MetricDefinition(
        name: "dsr_gateway_processor_rate_limit_used_percent", labels: [],
        help: "The processor's latest X-mp-rate-limit-percentage-used (0 when none in the last minute).")
    package static let alertNotifications = MetricDefinition(
        name: "dsr_gateway_alert_notifications_total", labels: ["route", "outcome"],
        help: "Alert notification attempts by route and outcome (delivered, retry, failed, unrouted).")
    package static let alertNotificationsPending = MetricDefinition(
        name: "dsr_gateway_alert_notifications_pending", labels: [],
        help: "Alert notifications queued and not yet delivered or given up (a backlog means a receiver is failing).")
    package static let httpInFlight = MetricDefinition(
        name: "dsr_gateway_http_requests_in_flight", labels: [],
        help: "HTTP requests being answered right now (this scrape included).")
    /// The process metrics every Prometheus client exports, under their standard names (no `dsr_gateway_` prefix).
    package static let processCPU = MetricDefinition(
        name: "process_cpu_seconds_total", labels: [], help: "Total user and system CPU time spent in seconds.")
    package static let processResidentMemory = MetricDefinition(
        name: "process_resident_memory_bytes", labels: [], help: "Resident memory size in bytes.")
    package static let processOpenFDs = MetricDefinition(
        name: "process_open_fds", labels: [], help: "Number of open file descriptors.")
    package static let processStartTime = MetricDefinition(
        name: "process_start_time_seconds", labels: [], help: "Start time of the process since unix epoch in seconds.")

    package static let all: [MetricDefinition] = [
        requestsSubmitted, requestsCompleted, requestsFailed, retryBudgetSpent, certificateValidations,
        callbacksRefused, rateLimited, certificateExpiry, batonCalls, processorDuration, httpRequests, httpDuration,
        requestsByState,
        queueDepth,
        queueOldestAge, auditUnsealedAge, deadlineAtRisk, deadlinePassed, deadlineImminent, circuitOpen, processorUsage,
        alertNotifications, alertNotificationsPending, httpInFlight, processCPU, processResidentMemory, processOpenFDs,
        processStartTime,
    ]

    /// Histogram buckets from 1 ms to 10 s, close enough together that P50/P90/P95/P99 read off them are meaningful.
    package static let latencyBuckets: [Duration] = [
        1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500,
        10000,
    ].map { Duration.microseconds(Int64($0 * 1000)) }
}
