import CoreMetrics
import DSRCore
import Foundation
import Synchronization

extension GatewayMetrics {
    /// Counts what a committed change did: a request accepted, completed or failed (and why it failed).
    package func record(_ request: DSRRequest, entries: [AuditEntry]) {
        let labels = [request.type.rawValue, request.regulation.rawValue]
        for entry in entries {
            switch entry.toState {
            case .queued? where entry.fromState == nil, .awaitingApproval? where entry.fromState == nil:
                counter(MetricsCatalogue.requestsSubmitted, labels).increment()
            case .completed?:
                counter(MetricsCatalogue.requestsCompleted, labels).increment()
            case .failed? where entry.event == .denied:
                // A person's decision, not a failure: nothing to alert on.
                break
            case .failed?:
                counter(MetricsCatalogue.requestsFailed, labels).increment()
                if entry.event == .retryBudgetSpent {
                    counter(MetricsCatalogue.retryBudgetSpent, labels).increment()
                }
            default:
                break
            }
        }
    }

    /// A callback's certificate chain and signature check, for an allowed domain.
    package func certificateValidation(succeeded: Bool) {
        counter(MetricsCatalogue.certificateValidations, [succeeded ? "success" : "failure"]).increment()
    }

    /// A request refused by an inbound rate limit (`api_key` or `callback_sender`).
    package func rateLimited(_ limit: String) {
        counter(MetricsCatalogue.rateLimited, [limit]).increment()
    }

    /// A callback refused for another reason than a failed check.
    package func callbackRefused(_ reason: CallbackRefusal) {
        counter(MetricsCatalogue.callbacksRefused, [reason.rawValue]).increment()
    }

    /// A Baton call (`requestType` RER or SAR, `action` initiate or status; anything else as `other`).
    package func batonCall(requestType: String, action: String) {
        let type = ["RER", "SAR"].contains(requestType) ? requestType : "other"
        let action = ["initiate", "status"].contains(action) ? action : "other"
        counter(MetricsCatalogue.batonCalls, [type, action]).increment()
    }

    /// A call that reached (or tried to reach) the processor.
    package func processorCall(operation: String, outcome: String, duration: Duration) {
        timer(MetricsCatalogue.processorDuration, [operation, outcome]).recordNanoseconds(duration.nanoseconds)
    }

    /// One alert notification attempt, or a transition no route could take (`unrouted`).
    package func alertNotification(route: String, outcome: AlertNotificationOutcome) {
        counter(MetricsCatalogue.alertNotifications, [route, outcome.rawValue]).increment()
    }

    /// An HTTP request started being answered; ``requestFinished()`` when it is.
    package func requestStarted() { inFlightCount.add(1, ordering: .relaxed) }

    package func requestFinished() { inFlightCount.subtract(1, ordering: .relaxed) }

    /// HTTP requests being answered now.
    var requestsInFlight: Int { inFlightCount.load(ordering: .relaxed) }

    /// A served HTTP request; `route` is the route template (never a path with ids).
    package func httpRequest(method: String, route: String, status: Int, duration: Duration) {
        counter(MetricsCatalogue.httpRequests, [method, route, "\(status / 100)xx"]).increment()
        timer(MetricsCatalogue.httpDuration, [method, route]).recordNanoseconds(duration.nanoseconds)
    }
}

extension Duration {
    /// Whole nanoseconds, for timers.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
