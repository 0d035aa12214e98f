import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OpenDSR
import Synchronization

/// Posts signed callback bodies as the processor does: with the simulator's one `HTTPClient`, which exists only while
/// `run()` runs, or (the bench) with a client of the caller's.
package final class CallbackSender: Sendable {
    private let client = Mutex<HTTPClient?>(nil)
    private let domain: String
    private let timeout: Duration

    package init(domain: String, timeout: Duration) {
        self.domain = domain
        self.timeout = timeout
    }

    /// The client while the simulator runs; nil otherwise (callbacks then stay queued).
    var currentClient: HTTPClient? { client.withLock { $0 } }

    /// Installs the client `run()` created.
    func attach(_ newClient: HTTPClient) {
        client.withLock { $0 = newClient }
    }

    /// Removes the client before `run()` shuts it down.
    func detach() {
        client.withLock { $0 = nil }
    }

    /// POSTs `body` to `url`; true for a 2xx answer. `signature` is the base64 signature of exactly `body`.
    package func post(
        _ body: [UInt8], signature: String, to url: String, using client: HTTPClient, logger: Logger
    ) async -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: OpenDSRHeaders.processorDomain, value: domain)
        request.headers.add(name: OpenDSRHeaders.signature, value: signature)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout), logger: logger)
            // Drain (bounded) so the connection returns to the pool.
            _ = try await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(response.status.code) else {
                logger.debug("Callback refused", metadata: ["http.status": "\(response.status.code)"])
                return false
            }
            return true
        } catch {
            logger.debug("Callback delivery failed", metadata: ["error.type": "\(type(of: error))"])
            return false
        }
    }
}
