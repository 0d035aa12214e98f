import Hummingbird
import NIOCore

/// Refuses (403) any peer that is not on the loopback interface; guards the unauthenticated `/_sim` routes.
struct LoopbackOnlyMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let address = context.remoteAddress?.ipAddress, Self.isLoopback(address) else {
            return SimulatorError(.forbidden, "Admin routes are loopback only", reason: "Forbidden", domain: "Admin")
                .makeResponse()
        }
        return try await next(request, context)
    }

    /// `127.0.0.0/8`, `::1` and IPv4-mapped loopback.
    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
