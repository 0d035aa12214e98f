import Foundation
import Logging
import NIOHTTP1

extension ProcessorOutcome {
    /// Maps a non-2xx status the way every mParticle API answers it (docs/upstream-apis.md, "Errors" and "Rate
    /// limits"): 401/403 our credentials, 429 rate limited (`Retry-After` read by ``RetryAfter``; an unusable one is
    /// logged and treated as missing), 5xx unavailable; any other status is a rejection described by `message`.
    /// Callers handle their API's own statuses (the DSR API's 400/404/409/410) first.
    static func failure(
        status: Int, headers: HTTPHeaders, message: String, now: Date, logger: Logger
    ) -> ProcessorOutcome {
        switch status {
        case 401, 403: .unauthorized(status: status)
        case 429: .rateLimited(retryAfter: RetryAfter.read(headers, now: now, logger: logger))
        case 500...: .unavailable(reason: "status \(status)")
        default: .rejected(status: status, message: message)
        }
    }
}

extension RetryAfter {
    /// The usable wait in `headers`' `Retry-After`, logging (once per answer, the value cut short) one it ignores.
    package static func read(_ headers: HTTPHeaders, now: Date, logger: Logger) -> TimeInterval? {
        let value = headers.first(name: "Retry-After")
        let parsed = RetryAfter(value, now: now)
        if parsed == .unusable {
            logger.warning(
                "ignored an unusable Retry-After header",
                metadata: ["header.value": "\(String(value?.prefix(40).map { $0.isASCII ? $0 : "?" } ?? []))"])
        }
        return parsed.wait
    }
}
