import AsyncHTTPClient
import DSRCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OpenDSR
import ProcessorSimulator

/// A running simulator on a loopback port with a manual clock, plus HTTP helpers for tests.
struct SimulatorHarness: Sendable {
    /// 2025-08-26T10:00:00Z, a Tuesday.
    static let start = Date(timeIntervalSince1970: 1_756_202_400)
    static let quietLogger = Logger(label: "simulator-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    let simulator: ProcessorSimulator
    let clock: ManualWallClock
    let baseURL: URL

    /// Test defaults: no background ticking, everything else as documented.
    static func configuration(_ adjust: (inout SimulatorConfiguration) -> Void = { _ in }) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(tickInterval: nil)
        adjust(&configuration)
        return configuration
    }

    /// Runs `body` against a fresh simulator, then stops it.
    static func run<T: Sendable>(
        _ configuration: SimulatorConfiguration = configuration(), _ body: (SimulatorHarness) async throws -> T
    ) async throws -> T {
        let clock = ManualWallClock(start)
        let simulator = try ProcessorSimulator(configuration: configuration, clock: clock, logger: quietLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            let baseURL = try await simulator.waitUntilListening()
            let result = try await body(SimulatorHarness(simulator: simulator, clock: clock, baseURL: baseURL))
            group.cancelAll()
            return result
        }
    }

    /// Moves the clock and applies the lifecycle (and a callback batch when one is due).
    func advance(by seconds: TimeInterval) async {
        clock.advance(by: seconds)
        await simulator.tick()
    }

    /// Sends a request to `path` (relative to the base URL, query allowed), with the workspace credentials
    /// unless told otherwise.
    func send(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil,
        credentials: (String, String)? = ("sim-key", "sim-secret")
    ) async throws -> HTTPResult {
        try await HTTPResult.send(
            method, "\(baseURL.absoluteString)/\(path)", body: body, credentials: credentials)
    }

    /// Submits `body` to `POST /v3/requests`.
    func submit(_ body: SubmitRequestBody) async throws -> HTTPResult {
        try await send(.POST, "v3/requests", body: Array(try JSONEncoder().encode(body)))
    }

    /// A valid submission with a fresh id.
    static func submission(
        type: String = "erasure", customerId: String = "customer-1", callbackURLs: [String]? = nil,
        groupId: String? = nil, skipWaitingPeriod: Bool? = nil
    ) -> SubmitRequestBody {
        SubmitRequestBody(
            regulation: "gdpr", subjectRequestId: UUID().uuidString.lowercased(), subjectRequestType: type,
            submittedTime: "2025-08-26T09:59:00.000Z",
            subjectIdentities: ["controller_customer_id": .init(value: customerId)],
            statusCallbackUrls: callbackURLs, groupId: groupId,
            extensions: skipWaitingPeriod.map {
                [SubmitRequestBody.mParticleExtensionKey: .init(skipWaitingPeriod: $0)]
            }
        )
    }
}

/// An HTTP answer read in full.
struct HTTPResult: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? { headers.first(name: name) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body))
    }

    /// Sends one request with the shared client.
    static func send(
        _ method: HTTPMethod, _ url: String, body: [UInt8]? = nil, credentials: (String, String)? = nil
    ) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let credentials {
            let token = Data("\(credentials.0):\(credentials.1)".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(token)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return HTTPResult(
            status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }
}
