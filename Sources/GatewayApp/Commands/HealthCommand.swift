import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import Operations

/// `dsr-gateway health URL`: a running gateway's `/health` as a table; exits 1 when it is unhealthy or unreachable.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Print a gateway's health checks as a table; exit 1 when unhealthy or unreachable.")

    @Argument(help: "The gateway's base URL (e.g. http://127.0.0.1:8080) or its /health URL.")
    var url: String

    func run() async throws {
        let target = url.hasSuffix("/health") ? url : url.trimmingSuffix("/") + "/health"
        let report: HealthReport
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: target), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            report = try JSONDecoder().decode(HealthReport.self, from: body)
        } catch {
            announce("unreachable: \(target) (\(type(of: error)))")
            throw ExitCode(1)
        }
        announce(report.table)
        if !report.isHealthy { throw ExitCode(1) }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
