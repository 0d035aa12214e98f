import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import S3

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A moto server (`pip install 'moto[server]'`) on a free loopback port, run as a child process for one test.
/// Moto checks no signature until IAM authentication is switched on, so ``start(environment:)`` creates an IAM user
/// with S3 rights and a role to assume, then switches it on: from then on moto recomputes every signature with
/// botocore's `S3SigV4Auth` and answers 403 to a wrong one.
package struct MotoServer: Sendable {
    /// Temporary credentials of an assumed role, with S3 rights.
    package struct Identities: Sendable {
        package var user: AWSSigV4.Credentials
        package var role: AWSSigV4.Credentials
    }

    package var port: Int
    package var identities: Identities
    package var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts moto, waits until it answers, sets up IAM, runs `body` and kills moto, whatever happens.
    package static func run<T: Sendable>(
        environment extra: [String: String] = [:], _ body: (MotoServer) async throws -> T
    ) async throws -> T {
        let port = try freeLoopbackPort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", "\(port)"]
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL: on SIGTERM moto's threaded server waits for keep-alive connections (the shared client's) and
            // never exits; it has nothing to flush.
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            try? output.close()
            try? FileManager.default.removeItem(at: log)
        }
        do {
            try await waitUntilAnswering(port: port, process: process)
            let identities = try await setUpIAM(port: port)
            return try await body(MotoServer(port: port, identities: identities))
        } catch {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw MotoError("\(error); moto's log:\n\(text.suffix(3000))")
        }
    }

    /// Asks the kernel for a free port on 127.0.0.1 (there is a small race until moto binds it).
    private static func freeLoopbackPort() throws -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw MotoError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw MotoError("bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Readiness: any HTTP answer from `/moto-api/reset-auth` (a GET there is a cheap 400), within 60 s.
    private static func waitUntilAnswering(port: Int, process: Process) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw MotoError("moto exited (\(process.terminationStatus)); is moto[server] installed?")
            }
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/moto-api/reset-auth")
            if (try? await HTTPClient.shared.execute(request, timeout: .seconds(2))) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw MotoError("moto did not answer within 60 s")
    }

    /// Creates user `dsr-gateway` with an access key allowed `s3:*` and `sts:AssumeRole`, and role `dsr-results`
    /// allowed `s3:*`, assumes it, then switches moto's IAM authentication on (`POST /moto-api/reset-auth` `0`).
    private static func setUpIAM(port: Int) async throws -> Identities {
        let bootstrap = AWSSigV4.Credentials(accessKeyId: "bootstrap", secretAccessKey: "bootstrap")
        func call(_ service: String, _ parameters: [(String, String)]) async throws -> Data {
            try await formPost(port: port, service: service, credentials: bootstrap, parameters: parameters)
        }
        let s3Policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        let userPolicy = #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sts:AssumeRole"],"Resource":"*"}]}
            """#
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#
            + #""Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#
        _ = try await call("iam", [("Action", "CreateUser"), ("UserName", "dsr-gateway")])
        let key = try await call("iam", [("Action", "CreateAccessKey"), ("UserName", "dsr-gateway")])
        _ = try await call(
            "iam",
            [
                ("Action", "PutUserPolicy"), ("UserName", "dsr-gateway"), ("PolicyName", "s3"),
                ("PolicyDocument", userPolicy),
            ])
        let roleAnswer = try await call(
            "iam", [("Action", "CreateRole"), ("RoleName", "dsr-results"), ("AssumeRolePolicyDocument", trust)])
        _ = try await call(
            "iam",
            [
                ("Action", "PutRolePolicy"), ("RoleName", "dsr-results"), ("PolicyName", "s3"),
                ("PolicyDocument", s3Policy),
            ])
        guard let roleArn = S3Client.element("Arn", in: roleAnswer) else { throw MotoError("no role ARN") }
        let session = try await call(
            "sts", [("Action", "AssumeRole"), ("RoleArn", roleArn), ("RoleSessionName", "tests")])
        guard let userKey = S3Client.element("AccessKeyId", in: key),
            let userSecret = S3Client.element("SecretAccessKey", in: key),
            let roleKey = S3Client.element("AccessKeyId", in: session),
            let roleSecret = S3Client.element("SecretAccessKey", in: session),
            let token = S3Client.element("SessionToken", in: session)
        else { throw MotoError("no access key in moto's answers") }

        var enable = HTTPClientRequest(url: "http://127.0.0.1:\(port)/moto-api/reset-auth")
        enable.method = .POST
        enable.body = .bytes(ByteBuffer(string: "0"))
        let response = try await HTTPClient.shared.execute(enable, timeout: .seconds(10))
        guard response.status == .ok else { throw MotoError("reset-auth answered \(response.status.code)") }
        return Identities(
            user: .init(accessKeyId: userKey, secretAccessKey: userSecret),
            role: .init(accessKeyId: roleKey, secretAccessKey: roleSecret, sessionToken: token))
    }

    /// A Query-protocol call (IAM, STS), signed with SigV4's standard rules.
    private static func formPost(
        port: Int, service: String, credentials: AWSSigV4.Credentials, parameters: [(String, String)]
    ) async throws -> Data {
        let version = service == "iam" ? "2010-05-08" : "2011-06-15"
        let form = (parameters + [("Version", version)])
            .map { "\(AWSSigV4.uriEncode($0.0))=\(AWSSigV4.uriEncode($0.1))" }.joined(separator: "&")
        let body = Data(form.utf8)
        let host = "127.0.0.1:\(port)"
        let headers = [("Host", host), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        let signer = AWSSigV4(credentials: credentials, region: "us-east-1", service: service, options: .standard)
        let signed = signer.sign(
            .init(
                method: "POST", path: "/", headers: headers.map { (name: $0.0, value: $0.1) },
                payloadHash: AWSSigV4.hex(SHA256.hash(data: body))),
            at: Date())
        var request = HTTPClientRequest(url: "http://\(host)/")
        request.method = .POST
        for (name, value) in headers + signed.headers.map({ ($0.name, $0.value) }) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(data: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let answer = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else {
            throw MotoError("\(service) \(parameters.first?.1 ?? "") answered \(response.status.code)")
        }
        return answer
    }
}

/// The moto harness failed.
package struct MotoError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
