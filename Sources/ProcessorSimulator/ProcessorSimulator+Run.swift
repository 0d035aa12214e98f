import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

extension ProcessorSimulator {
    /// Serves HTTP (and, with a `tickInterval`, runs the lifecycle loop) until cancelled or gracefully shut
    /// down; owns the callback `HTTPClient` for that time.
    package func run() async throws {
        listening.starting()
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow),
            backgroundActivityLogger: logger
        )
        sender.attach(client)
        var failure: (any Error)?
        do {
            try await serve()
        } catch {
            failure = error
        }
        sender.detach()
        listening.stopped()
        try await client.shutdown()
        if let failure { throw failure }
    }

    private func serve() async throws {
        let application = Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { [listening, configuration] channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                listening.listening(at: URL(string: "http://\(host):\(port)")!)
            },
            logger: logger
        )
        try await withThrowingDiscardingTaskGroup { group in
            if let interval = configuration.tickInterval {
                group.addTask { await self.tickContinuously(every: interval) }
            }
            // The loop ends by itself on graceful shutdown; if the server stops any other way, stop the loop too.
            try await application.run()
            group.cancelAll()
        }
    }

    private func tickContinuously(every interval: Duration) async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                await self.tick()
            }
        }
    }

    private func buildRouter() -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        let wire = WireResponder(identity: identity, domain: configuration.processorDomain)
        let v3 = router.group("v3").add(
            middleware: ProcessorGateMiddleware(
                authenticator: BasicAuthenticator(
                    key: configuration.workspaceKey, secret: configuration.workspaceSecret),
                rateLimiter: rateLimiter, faults: faultInjector, refusals: refusals, clock: clock
            )
        )
        RequestsController(
            store: store, schedule: LifecycleSchedule(configuration: configuration), wire: wire, clock: clock,
            listening: listening, controllerId: configuration.controllerId
        ).register(on: v3)
        ResultsController(store: store, clock: clock, linkLifetime: configuration.resultsLinkLifetime).register(on: v3)
        let discovery = DiscoveryController(identity: identity, listening: listening)
        discovery.register(on: v3)
        discovery.registerCertificate(on: router)
        EventsController(
            authenticator: BasicAuthenticator(key: configuration.inputKey, secret: configuration.inputSecret),
            faults: faultInjector, inbox: eventInbox, clock: clock
        ).register(on: router)
        AdminController(simulator: self).register(on: router)
        return router
    }
}
