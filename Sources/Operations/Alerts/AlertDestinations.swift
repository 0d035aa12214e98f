/// Where one route's notifications are delivered.
package enum AlertDestination: Sendable, Equatable {
    /// PagerDuty Events API v2 at `url` with the integration's routing key.
    case pagerDuty(url: String, routingKey: String)
    /// A Slack incoming webhook (its URL is the secret).
    case slack(webhookURL: String)
}

/// The configured destinations (keys `alerts.pagerduty.*`, `alerts.slack.*`). A security route without its own
/// destination uses the ordinary one: a certificate alert paged to the usual rota beats one paged to nobody.
package struct AlertDestinations: Sendable {
    /// The Events API endpoint (`alerts.pagerduty.url`; EU accounts use `https://events.eu.pagerduty.com/v2/enqueue`).
    package var pagerDutyURL: String
    package var pagerDutyRoutingKey: String?
    package var pagerDutySecurityRoutingKey: String?
    package var slackWebhookURL: String?
    package var slackSecurityWebhookURL: String?

    package static let defaultPagerDutyURL = "https://events.pagerduty.com/v2/enqueue"

    package init(
        pagerDutyURL: String = Self.defaultPagerDutyURL, pagerDutyRoutingKey: String? = nil,
        pagerDutySecurityRoutingKey: String? = nil, slackWebhookURL: String? = nil,
        slackSecurityWebhookURL: String? = nil
    ) {
        self.pagerDutyURL = pagerDutyURL
        self.pagerDutyRoutingKey = pagerDutyRoutingKey
        self.pagerDutySecurityRoutingKey = pagerDutySecurityRoutingKey
        self.slackWebhookURL = slackWebhookURL
        self.slackSecurityWebhookURL = slackSecurityWebhookURL
    }

    /// The route's destination, or nil when neither it nor its fallback is configured.
    package func destination(for route: AlertRoute) -> AlertDestination? {
        switch route {
        case .pagerDuty, .pagerDutySecurity:
            let key =
                route == .pagerDutySecurity ? pagerDutySecurityRoutingKey ?? pagerDutyRoutingKey : pagerDutyRoutingKey
            return key.map { .pagerDuty(url: pagerDutyURL, routingKey: $0) }
        case .slack, .slackSecurity:
            let url = route == .slackSecurity ? slackSecurityWebhookURL ?? slackWebhookURL : slackWebhookURL
            return url.map { .slack(webhookURL: $0) }
        }
    }

    /// The routes that reach somewhere, for start-up and `check-config` to say.
    package var configuredRoutes: [AlertRoute] {
        AlertRoute.allCases.filter { destination(for: $0) != nil }
    }
}
