import Foundation
import Operations

/// Metrics as the gateway would expose them, moved on 30 seconds at a time: counters grow, gauges are set. A normal
/// step looks like a healthy gateway; a breaching step breaches one default rule.
package struct AlertWorkload: Sendable {
    package var ok = 0.0, errors = 0.0, validated = 0.0, refused = 0.0, failed = 0.0, submitted = 0.0
    package var fast = 0.0, slow = 0.0, processorFast = 0.0, processorSlow = 0.0
    package var expiresIn = 90.0 * 86_400, imminent = 0.0, oldestQueued = 0.0, circuitOpen = 0.0, unsealed = 0.0
    /// 5xx answers of the health checks (which are not the API: no rule may count them) and of Baton.
    package var healthErrors = 0.0, batonErrors = 0.0

    /// Rules that a breach of the key necessarily breaches too: they measure the same thing more strictly.
    package static let implied: [String: Set<String>] = [
        // Fewer than 95 % successes is more than 1 % failures.
        "CertValidationSuccessLow": ["CertValidationFailures"],
        // Three failures a step against one submission is far over 5 % failed; and any failure is one.
        "UpstreamFailures": ["FailureRate", "RequestFailed"],
        "FailureRate": ["RequestFailed"],
        // One failure every 5 minutes against two submissions is over 5 % failed too.
        "RequestFailed": ["FailureRate"],
    ]

    package init() {}

    /// One 30-second step, normal or breaching `rule`.
    package mutating func step(breaching rule: String?) {
        ok += 100
        errors += rule == "HighErrorRate" ? 20 : 0
        validated += 50
        // 2 in 52 is over 1 % failed but not under 95 % passed; 5 in 55 is both.
        refused += rule == "CertValidationFailures" ? 2 : rule == "CertValidationSuccessLow" ? 5 : 0
        // A quarter of a failure a step: 25 % of submissions over the hour, but never 10 in 15 minutes.
        failed += rule == "UpstreamFailures" ? 3 : rule == "FailureRate" ? 0.25 : rule == "RequestFailed" ? 0.1 : 0
        submitted += rule == "HighVolume" ? 20 : 1
        fast += rule == "HighLatency" ? 5 : 100
        slow += rule == "HighLatency" ? 95 : 0
        processorFast += rule == "UpstreamLatency" ? 1 : 20
        processorSlow += rule == "UpstreamLatency" ? 19 : 0
        healthErrors += 50
        batonErrors += rule == "BatonFailures" ? 1 : 0
        expiresIn = rule == "CertExpiry" ? 20 * 86_400 : 90 * 86_400
        imminent = rule == "DeadlineApproaching" ? 1 : 0
        oldestQueued = rule == "DispatcherStalled" ? 900 : 5
        circuitOpen = rule == "ProcessorUnreachable" ? 1 : 0
        unsealed = rule == "AuditLogUnsealed" ? 1200 : 30
    }

    /// A change made on top of a normal step.
    package typealias Extra = @Sendable (inout AlertWorkload) -> Void

    /// Steps that breach `rule` for less than its `for` and then stop breaching (each an extra on a normal step):
    /// a burst diluted by the next step, or a count that crosses the line just before its oldest part leaves the
    /// window. None for `RequestFailed`: a single failure is meant to fire it.
    package static func blip(_ rule: String) -> [Extra] {
        let quiet: Extra = { _ in }
        switch rule {
        case "HighErrorRate": return [{ $0.errors += 100 }, { $0.ok += 3000 }]
        case "CertValidationFailures": return [{ $0.refused += 20 }, { $0.validated += 3000 }]
        case "HighLatency": return [{ $0.slow += 200 }, { $0.fast += 20_000 }]
        // 8 failures, then 3 more 14 minutes later: 11 in the 15-minute window for 30 s, then 3.
        case "UpstreamFailures":
            return [{ $0.failed += 8 }] + Array(repeating: quiet, count: 27) + [{ $0.failed += 3 }] + [quiet, quiet]
        // 50 extra submissions, then 20 more 28 minutes later: over twice the baseline until the 50 leave the window.
        case "HighVolume":
            return [{ $0.submitted += 50 }] + Array(repeating: quiet, count: 55) + [{ $0.submitted += 20 }]
                + Array(repeating: quiet, count: 5)
        case "CertExpiry": return [{ $0.expiresIn = 20 * 86_400 }, quiet]
        case "DeadlineApproaching": return [{ $0.imminent = 1 }, { $0.imminent = 1 }, quiet]
        case "DispatcherStalled": return [{ $0.oldestQueued = 900 }, quiet]
        case "CertValidationSuccessLow": return [{ $0.refused += 100 }, { $0.validated += 5000 }]
        case "FailureRate": return [{ $0.failed += 9 }, { $0.submitted += 200 }]
        case "UpstreamLatency": return [{ $0.processorSlow += 200 }, { $0.processorFast += 20_000 }]
        case "ProcessorUnreachable": return [{ $0.circuitOpen = 1 }, quiet]
        case "AuditLogUnsealed": return [{ $0.unsealed = 1200 }, quiet]
        // 2 errors, then 1 more 4 minutes later: 3 in the 5-minute window for 30 s.
        case "BatonFailures":
            return [{ $0.batonErrors += 2 }] + Array(repeating: quiet, count: 7) + [{ $0.batonErrors += 1 }]
                + [quiet, quiet]
        default: return []
        }
    }

    package var text: MetricsText {
        MetricsText(
            """
            dsr_gateway_http_requests_total{method="GET",route="/x",status_class="2xx"} \(ok)
            dsr_gateway_http_requests_total{method="GET",route="/x",status_class="5xx"} \(errors)
            dsr_gateway_http_requests_total{method="GET",route="/health",status_class="5xx"} \(healthErrors)
            dsr_gateway_http_requests_total{method="POST",route="/baton",status_class="5xx"} \(batonErrors)
            dsr_gateway_certificate_validations_total{result="success"} \(validated)
            dsr_gateway_certificate_validations_total{result="failure"} \(refused)
            dsr_gateway_requests_failed_total{type="erasure",regulation="gdpr"} \(failed)
            dsr_gateway_requests_submitted_total{type="erasure",regulation="gdpr"} \(submitted)
            dsr_gateway_http_request_duration_seconds_bucket{method="GET",route="/x",le="0.1"} \(fast)
            dsr_gateway_http_request_duration_seconds_bucket{method="GET",route="/x",le="5.0"} \(fast + slow)
            dsr_gateway_http_request_duration_seconds_bucket{method="GET",route="/x",le="+Inf"} \(fast + slow)
            dsr_gateway_certificate_expires_in_seconds{domain="opendsr.mparticle.com"} \(expiresIn)
            dsr_gateway_requests_deadline_imminent \(imminent)
            dsr_gateway_queue_oldest_age_seconds \(oldestQueued)
            dsr_gateway_audit_unsealed_age_seconds \(unsealed)
            dsr_gateway_processor_circuit_open \(circuitOpen)
            dsr_gateway_processor_request_duration_seconds_bucket{operation="submit",outcome="success",le="1.0"} \(processorFast)
            dsr_gateway_processor_request_duration_seconds_bucket{operation="submit",outcome="success",le="10.0"} \(processorFast + processorSlow)
            dsr_gateway_processor_request_duration_seconds_bucket{operation="submit",outcome="success",le="+Inf"} \(processorFast + processorSlow)
            """)
    }
}
