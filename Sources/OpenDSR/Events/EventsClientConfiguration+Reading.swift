import Foundation
import Settings

extension EventsClientConfiguration {
    /// Reads the connection keys of `events.*`: off (nil) unless `events.input_key` is set; then the secret is
    /// required too.
    package static func read(_ section: ConfigurationSection) -> EventsClientConfiguration? {
        let defaults = EventsClientConfiguration(inputKey: "", inputSecret: "")
        let key = section.optionalString(
            "input_key", secret: true, shown: "unset (secret)",
            "mParticle Input key; setting it turns on `POST /events` and the erasure attributes")
        let secret = section.optionalString(
            "input_secret", secret: true, shown: "unset (secret)", "mParticle Input secret")
        let baseURL = section.string("base_url", default: defaults.baseURL, "the Events API of your pod")
        let timeout = section.double(
            "timeout_seconds", default: defaults.timeout, in: 0.1...300, "per-call timeout, the whole answer included")
        guard let key else { return nil }
        section.requireSecureURL("base_url", baseURL)
        guard let secret else {
            section.problem("input_secret", "(EVENTS_INPUT_SECRET) is required when events.input_key is set")
            return nil
        }
        return EventsClientConfiguration(baseURL: baseURL, inputKey: key, inputSecret: secret, timeout: timeout)
    }
}
