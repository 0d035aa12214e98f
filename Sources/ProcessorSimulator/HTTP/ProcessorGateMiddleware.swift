import DSRCore
import HTTPTypes
import Hummingbird
import OpenDSR

/// Front door of every `/v3` route, in mParticle's order: injected faults, Basic auth, workspace rate limit;
/// renders thrown errors as mParticle error bodies and stamps `X-mp-rate-limit-percentage-used` on every answer.
struct ProcessorGateMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    let authenticator: BasicAuthenticator
    let rateLimiter: RateLimiter
    let faults: FaultInjector
    let refusals: RefusalCounters
    let clock: any WallClock

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let (latency, verdict) = faults.nextRequest()
        if latency > 0 { try await Task.sleep(for: .milliseconds(latency)) }
        var response: Response
        switch verdict {
        case .serviceUnavailable:
            refusals.count(\.injectedServerErrors)
            response = SimulatorError.unavailable.makeResponse()
        case .rateLimitStorm(let retryAfter):
            refusals.count(\.injectedRateLimited)
            response = SimulatorError.rateLimited(retryAfter: retryAfter).makeResponse()
        case .hostile(let kind):
            refusals.count(\.injectedHostile)
            if let retryAfter = kind.retryAfter {
                refusals.count(\.injectedRateLimited)
                response = kind.rateLimited(retryAfter: retryAfter)
            } else {
                response = try await kind.spoil(
                    admitted(request, context: context, next: next),
                    dripInterval: .milliseconds(faults.current.hostileDripMilliseconds))
            }
        case .proceed:
            response = try await admitted(request, context: context, next: next)
        }
        let used: String =
            switch verdict {
            case .proceed: String(rateLimiter.percentageUsed(now: clock.now))
            case .hostile(let kind): kind.usageHeader ?? String(rateLimiter.percentageUsed(now: clock.now))
            case .serviceUnavailable, .rateLimitStorm: "100"
            }
        response.headers[HTTPField.Name(OpenDSRHeaders.rateLimitPercentageUsed)!] = used
        return response
    }

    private func admitted(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard authenticator.isAuthorized(request) else { return SimulatorError.unauthorized.makeResponse() }
        switch rateLimiter.admit(isSubmission: request.method == .post, now: clock.now) {
        case .limited(let retryAfter):
            refusals.count(\.rateLimited)
            return SimulatorError.rateLimited(retryAfter: retryAfter).makeResponse()
        case .allowed:
            do {
                return try await next(request, context)
            } catch let error as any HTTPResponseError {
                return try error.response(from: request, context: context)
            }
        }
    }
}
