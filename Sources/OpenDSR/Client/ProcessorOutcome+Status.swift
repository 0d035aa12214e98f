import Foundation
import NIOHTTP1

extension ProcessorOutcome {
    /// Maps a non-2xx status the way every mParticle API answers it (external-apis §1.9, §1.10, §2): 401/403 our
    /// credentials, 429 rate limited (`Retry-After` in seconds), 5xx unavailable; any other status is a rejection
    /// described by `message`. Callers handle their API's own statuses (the DSR API's 400/404/409/410) first.
    static func failure(status: Int, headers: HTTPHeaders, message: String) -> ProcessorOutcome {
        switch status {
        case 401, 403: .unauthorized(status: status)
        case 429: .rateLimited(retryAfter: headers.first(name: "Retry-After").flatMap(TimeInterval.init))
        case 500...: .unavailable(reason: "status \(status)")
        default: .rejected(status: status, message: message)
        }
    }
}
