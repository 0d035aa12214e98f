import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import GatewayHTTP
import Testing
import TestSupport

/// `serve --dev` as a process: it announces its address and key, serves the API, and stops cleanly on SIGTERM.
@Suite struct ServeDevTests {
    @Test func devServerAcceptsARequestAndStopsOnSIGTERM() async throws {
        let running = try CommandLineRunner.start(["serve", "--dev", "--port", "0"])
        defer { if running.process.isRunning { running.process.terminate() } }
        // A server that never announces itself must fail the test, not hang it: end it after 60 s.
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) {
            if running.process.isRunning { running.process.terminate() }
        }
        let announced = Self.readLines(from: running.standardOutput, until: "dev api key: ")
        let base = try #require(announced.first { $0.hasPrefix("listening on ") }?.dropFirst("listening on ".count))
        let key = try #require(announced.first { $0.hasPrefix("dev api key: ") }?.dropFirst("dev api key: ".count))

        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        var submit = HTTPClientRequest(url: "\(base)/data-subject-requests")
        submit.method = .POST
        submit.headers.add(name: "Authorization", value: "Bearer \(key)")
        submit.headers.add(name: "Content-Type", value: "application/json")
        submit.body = .bytes(ByteBuffer(string: #"{"regulation":"gdpr","type":"erasure","subjectId":"dev-1"}"#))
        let accepted = try await client.execute(submit, timeout: .seconds(10))
        var baton = HTTPClientRequest(url: "\(base)/baton")
        baton.method = .POST
        baton.headers.add(name: "Authorization", value: "Bearer \(key)")
        baton.body = .bytes(
            ByteBuffer(
                string: #"{"requestType":"SAR","action":"initiate","dataProvider":"mparticlesar","subjectId":"dev-2"}"#)
        )
        let batonAnswer = try await client.execute(baton, timeout: .seconds(10))
        var unauthenticated = HTTPClientRequest(url: "\(base)/data-subject-requests")
        unauthenticated.method = .GET
        let refused = try await client.execute(unauthenticated, timeout: .seconds(10))
        try await client.shutdown()
        let health = try await CommandLineRunner.run(["health", String(base)])
        let unreachable = try await CommandLineRunner.run(["health", "http://127.0.0.1:9"])

        #expect(accepted.status.code == 202)
        #expect(batonAnswer.status.code == 200)
        #expect(refused.status.code == 401)
        #expect(health.status == 0, "\(health.output)")
        #expect(health.output.hasPrefix("HEALTHY at "))
        for check in ["certificate", "configuration", "dispatcher", "processor", "store"] {
            #expect(health.output.contains("\n\(check) "), "\(check)")
        }
        #expect(unreachable.status == 1)
        #expect(unreachable.output.hasPrefix("unreachable: http://127.0.0.1:9/health"))
        running.process.terminate()
        running.process.waitUntilExit()
        #expect(running.process.terminationReason == .exit)
        #expect(running.process.terminationStatus == 0)
    }

    @Test func serveReadsTheConfigurationFileAndTheEnvironment() async throws {
        let directory = try TemporaryDatabase()
        defer { try? directory.remove() }
        let key = "file-configured-key"
        let configuration: [String: Any] = [
            "processor": ["base_url": "http://127.0.0.1:9/v3", "workspace_key": "workspace"],
            "store": ["sqlite_path": directory.path],
            "results": ["directory": directory.directory.appendingPathComponent("results").path],
            "api_keys": ["support:\(APIKey.hash(secret: key)):requests:read+requests:write"],
        ]
        let file = directory.directory.appendingPathComponent("gateway.json")
        try JSONSerialization.data(withJSONObject: configuration).write(to: file)
        let running = try CommandLineRunner.start(
            ["serve", "--config", file.path, "--port", "0"], environment: ["PROCESSOR_WORKSPACE_SECRET": "from-env"])
        defer { if running.process.isRunning { running.process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) {
            if running.process.isRunning { running.process.terminate() }
        }
        let announced = Self.readLines(from: running.standardOutput, until: "listening on ")
        let base = try #require(announced.first { $0.hasPrefix("listening on ") }?.dropFirst("listening on ".count))

        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        var list = HTTPClientRequest(url: "\(base)/data-subject-requests")
        list.headers.add(name: "Authorization", value: "Bearer \(key)")
        let listed = try await client.execute(list, timeout: .seconds(10))
        try await client.shutdown()
        #expect(listed.status.code == 200)
        running.process.terminate()
        running.process.waitUntilExit()
        #expect(running.process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: directory.path))
    }

    /// Reads standard output line by line until a line starts with `prefix` (or the stream ends).
    static func readLines(from pipe: Pipe, until prefix: String) -> [String] {
        var buffer = ""
        var lines: [String] = []
        while !lines.contains(where: { $0.hasPrefix(prefix) }) {
            let data = pipe.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            buffer += String(decoding: data, as: UTF8.self)
            while let newline = buffer.firstIndex(of: "\n") {
                lines.append(String(buffer[..<newline]))
                buffer = String(buffer[buffer.index(after: newline)...])
            }
        }
        return lines
    }
}
