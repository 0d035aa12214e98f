import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OpenDSR
import ProcessorSimulator

/// One gateway instance as the benchmark loads it: the Lua scripts `wrk` runs against it, one HTTP request per
/// operation. Request ids are `PREFIX-0000-4000-8000-NNNNNNNNNNNN` (a counter in hex after a prefix of the run's
/// and the instance's), so the reads and callbacks can name requests the submissions created.
struct BenchTarget: Sendable {
    let baseURL: String
    let apiKey: String
    let httpClient: HTTPClient
    let signer: PayloadSigner
    let domain: String
    /// Eight hex digits, different for every instance and run.
    let prefix: String

    private var authorization: String { #"wrk.headers["Authorization"] = "Bearer \#(apiKey)""# }

    /// Erasure submissions, each with a new id and subject.
    var submissionScript: String {
        """
        \(authorization)
        wrk.headers["Content-Type"] = "application/json"
        local counter = 0
        request = function()
          counter = counter + 1
          local body = string.format('{"id":"%s-0000-4000-8000-%012x","regulation":"gdpr","type":"erasure",'
            .. '"subjectId":"bench-%s-%d"}', "\(prefix)", counter, "\(prefix)", counter)
          return wrk.format("POST", "/data-subject-requests", nil, body)
        end
        """
    }

    /// wrk builds one request to check the script before the run and never sends it: the first id is never created,
    /// so reads and callbacks start at the second.
    static let firstCreated = 2

    /// Status reads of the first `count` requests the submissions created, in turn.
    func readScript(count: Int) -> String {
        """
        \(authorization)
        local counter = 0
        request = function()
          counter = counter % \(count) + 1
          local number = counter + \(Self.firstCreated - 1)
          return wrk.format("GET", string.format("/data-subject-requests/%s-0000-4000-8000-%012x", "\(prefix)", number))
        end
        """
    }

    /// A callback as the processor sends it: the request it is about, the body, and the body's signature.
    struct SignedCallback: Sendable {
        var id: String
        var body: String
        var signature: String
    }

    /// Signed `pending` callbacks for the first `count` requests, signed here once as the processor signs them.
    func callbacks(count: Int) throws -> [SignedCallback] {
        try (Self.firstCreated..<(Self.firstCreated + count)).map { number in
            let id = Self.id(prefix: prefix, number: number)
            let body =
                #"{"controller_id":"3622","expected_completion_time":null,"status_callback_url":""#
                + "\(baseURL)/data-subject-requests/\(id)/callback"
                + #"","subject_request_id":"\#(id)","request_status":"pending","results_url":null,"extensions":null}"#
            return SignedCallback(id: id, body: body, signature: try signer.signature(for: Array(body.utf8)))
        }
    }

    /// Sends each of `callbacks` once, a few at a time, as the simulator sends its own: after this every request they
    /// name is `pending`, whether or not the dispatcher had delivered it, so the load that follows repeats them on
    /// every run alike.
    func deliver(_ callbacks: [SignedCallback]) async throws {
        let sender = CallbackSender(domain: domain, timeout: .seconds(30))
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, callback) in callbacks.enumerated() {
                if index >= 8 { try await group.next() }
                group.addTask {
                    let url = baseURL + "/data-subject-requests/" + callback.id + "/callback"
                    guard
                        await sender.post(
                            Array(callback.body.utf8), signature: callback.signature, to: url, using: httpClient,
                            logger: logger)
                    else { throw SoakError("the callback for \(callback.id) was not accepted") }
                }
            }
            try await group.waitForAll()
        }
    }

    /// `callbacks` in turn, again and again: each is verified (chain and signature) and answered from a read.
    func callbackScript(_ callbacks: [SignedCallback]) -> String {
        let table = callbacks.map { #"{ "\#($0.id)", [==[\#($0.body)]==], "\#($0.signature)" },"# }
        return """
            local callbacks = {
            \(table.joined(separator: "\n"))
            }
            local counter = 0
            request = function()
              counter = counter % #callbacks + 1
              local callback = callbacks[counter]
              return wrk.format("POST", "/data-subject-requests/" .. callback[1] .. "/callback", {
                ["Content-Type"] = "application/json",
                ["\(OpenDSRHeaders.processorDomain)"] = "\(domain)",
                ["\(OpenDSRHeaders.signature)"] = callback[3],
              }, callback[2])
            end
            """
    }

    /// The `number`th request id the submission script creates.
    static func id(prefix: String, number: Int) -> String {
        let counter = String(number, radix: 16)
        return "\(prefix)-0000-4000-8000-" + String(repeating: "0", count: 12 - counter.count) + counter
    }

    /// The body of a status read of the `number`th request created, as a client receives it.
    func statusBody(number: Int) async throws -> [UInt8] {
        var request = HTTPClientRequest(
            url: baseURL + "/data-subject-requests/" + Self.id(prefix: prefix, number: number))
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        let response = try await httpClient.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw SoakError("status read answered \(response.status.code)") }
        return Array(buffer: body)
    }

    /// The `/metrics` exposition as a scraper reads it.
    func metrics() async throws -> String {
        let response = try await httpClient.execute(HTTPClientRequest(url: baseURL + "/metrics"), timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 16 << 20))
    }
}
