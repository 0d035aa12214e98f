import AsyncHTTPClient
import DSRCore
import Foundation
import GatewayApp
import NIOCore
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import Testing
import TestSupport

/// `callback refused --export`, run as a process on the database of a gateway that refused callbacks: the table lists
/// them newest first, the exported files are what was sent, and the printed `callback verify` lines, run, say what the
/// gateway said: a forged signature is invalid, a genuinely signed body refused for another reason is valid.
@Suite struct CallbackRefusedCommandTests {
    private static func post(
        _ harness: GatewayHarness, _ id: String, domain: String?, signature: String?, body: [UInt8]
    ) async throws -> Int {
        var request = HTTPClientRequest(url: "\(await harness.baseURL)/data-subject-requests/\(id)/callback")
        request.method = .POST
        if let domain { request.headers.add(name: OpenDSRHeaders.processorDomain, value: domain) }
        if let signature { request.headers.add(name: OpenDSRHeaders.signature, value: signature) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await harness.httpClient.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    @Test func exportWritesWhatWasSentAndVerifyLinesThatCheckItAsTheGatewayDid() async throws {
        let directory = try TemporaryDirectory(prefix: "dsr-gateway-refused")
        defer { directory.remove() }
        let export = directory.url.appendingPathComponent("refused").path
        let domain = OpenDSRHeaders.mParticleDomain
        try await GatewayHarness.with { harness in
            let id = UUID().uuidString.lowercased()
            // 1: forged (an allowed domain, a wrong signature), with a byte that is not UTF-8.
            let forgedBody =
                Array(#"{"subject_request_id":"\#(id)","request_status":"completed"}"#.utf8) + [0xC3, 0x28]
            let forgedSignature = Data(repeating: 9, count: 256).base64EncodedString()
            #expect(
                try await Self.post(harness, id, domain: domain, signature: forgedSignature, body: forgedBody) == 401)
            // 2: unsigned.
            let unsignedBody = Array(#"{"request_status":"completed"}"#.utf8)
            #expect(try await Self.post(harness, id, domain: domain, signature: nil, body: unsignedBody) == 401)
            // 3: signed by the processor's own key, but addressed to another request than the path's.
            let other = UUID().uuidString.lowercased()
            let genuineBody = Array(
                #"{"controller_id":"1402","subject_request_id":"\#(other)","request_status":"completed","results_url":null,"extensions":null}"#
                    .utf8)
            let genuineSignature = try harness.simulator.certificateChain.signer.signature(for: genuineBody)
            let genuineStatus = try await Self.post(
                harness, id, domain: domain, signature: genuineSignature, body: genuineBody)
            #expect(genuineStatus == 401)

            let database = harness.storePath
            let result = try await CommandLineRunner.run([
                "callback", "refused", "--database", database, "--export", export,
            ])
            #expect(result.status == 0, "\(result.output)\(result.errors)")
            let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            try #require(lines.count >= 8, "\(result.output)")
            #expect(lines[0].hasPrefix("number") && lines[0].contains("claimed id") && lines[0].contains("signed"))
            // Newest first: the misaddressed one, the unsigned one, the forged one.
            let rows = lines[1...3].map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            let numbers = rows.compactMap { $0.first.flatMap { Int64($0) } }
            try #require(numbers.count == 3 && numbers == numbers.sorted(by: >), "\(result.output)")
            let (genuine, unsigned, forged) = (numbers[0], numbers[1], numbers[2])
            #expect(rows[0].contains("id_mismatch") && rows[0].last == "yes")
            #expect(rows[1].contains("missing_signature") && rows[1].last == "no")
            #expect(rows[1].contains(String(unsignedBody.count)))
            #expect(rows[2].contains("signatureMismatch") && rows[2].contains(domain) && rows[2].contains(id))
            #expect(rows[2].contains(Timestamp.format(harness.clock.now)))
            #expect(lines[4].isEmpty)

            // The files are what was sent.
            func contents(_ name: String) -> [UInt8]? {
                FileManager.default.contents(atPath: "\(export)/\(name)").map { [UInt8]($0) }
            }
            #expect(contents("refused-\(forged).body") == forgedBody)
            #expect(contents("refused-\(forged).signature") == Array(forgedSignature.utf8))
            #expect(contents("refused-\(unsigned).body") == unsignedBody)
            #expect(contents("refused-\(unsigned).signature") == nil)
            #expect(contents("refused-\(genuine).body") == genuineBody)
            #expect(lines[6] == "# refused-\(unsigned): unsigned, nothing to verify")

            // Each verify line is the command that checks the export, at the time the gateway refused it.
            func verifyLine(_ number: Int64) -> String {
                "dsr-gateway callback verify --body \(export)/refused-\(number).body "
                    + "--signature \"$(cat \(export)/refused-\(number).signature)\" --domain \(domain) "
                    + "--certificate-chain chain.pem --at \(Timestamp.format(harness.clock.now))"
            }
            #expect(lines[5] == verifyLine(genuine))
            #expect(lines[7] == verifyLine(forged))

            // Run as a shell would (the signature file's contents in place of `$(cat …)`), with the chain the
            // processor serves and the root this gateway trusts.
            let chain = directory.url.appendingPathComponent("chain.pem").path
            let roots = directory.url.appendingPathComponent("roots.pem").path
            try Data(harness.simulator.certificateChain.chainPEM.utf8).write(to: URL(fileURLWithPath: chain))
            try Data(harness.simulator.trustRootPEM.utf8).write(to: URL(fileURLWithPath: roots))
            func runVerify(_ number: Int64, _ line: String) async throws -> CommandLineRunner.Result {
                let signatureFile = "\(export)/refused-\(number).signature"
                let signature = try String(contentsOfFile: signatureFile, encoding: .utf8)
                let command = line.replacingOccurrences(of: "\"$(cat \(signatureFile))\"", with: signature)
                    .replacingOccurrences(of: " chain.pem ", with: " \(chain) ")
                let words = command.split(separator: " ").map(String.init)
                #expect(words.first == "dsr-gateway")
                return try await CommandLineRunner.run(
                    Array(words.dropFirst()) + ["--trust-roots", roots], timeout: 60)
            }
            let forgery = try await runVerify(forged, lines[7])
            #expect(forgery.status == 1, "\(forgery.output)\(forgery.errors)")
            #expect(forgery.output.hasPrefix("invalid: "))
            let misaddressed = try await runVerify(genuine, lines[5])
            #expect(misaddressed.status == 0, "\(misaddressed.output)\(misaddressed.errors)")
            #expect(misaddressed.output == "valid\n")
        }
    }
}
