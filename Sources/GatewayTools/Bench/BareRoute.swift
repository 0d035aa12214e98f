import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The ceiling the framework sets: a Hummingbird server of its own in this process with one route,
/// `GET /data-subject-requests/{id}`, that answers a fixed JSON body (the bytes of a real status read), with nothing
/// in between: no key check, no store, no logging. The benchmark loads it with the same script as the status reads.
enum BareRoute {
    /// Runs the server on a free loopback port, calls `body` with its base URL, then stops it.
    static func with<T: Sendable>(
        answering answer: [UInt8], logger: Logger, _ body: (String) async throws -> T
    ) async throws -> T {
        let bytes = ByteBuffer(bytes: answer)
        let router = Router()
        router.get("/data-subject-requests/:id") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: bytes))
        }
        let (announced, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portSink.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var ports = announced.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            let result: Result<T, any Error>
            do { result = .success(try await body("http://127.0.0.1:\(port)")) } catch { result = .failure(error) }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}
