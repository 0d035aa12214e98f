import ArgumentParser
import Operations

/// `dsr-gateway soak`: the fault and load harness, for one instance or a fleet. Exits 1 unless lost = 0,
/// duplicates = 0, 429s caused = 0, one notification per alert transition, and every offered request was accepted and
/// completed.
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run the gateway (as a child process) against the simulator under load and injected faults.",
        discussion: """
            Faults, on a timeline over the offered load: 30 % of callbacks dropped throughout, a 429 storm, two 5xx \
            bursts, 2 s latency, a certificate rotation and a SIGKILL of a gateway instance followed by a restart; \
            with several instances also a rolling restart (each stopped and started in turn). Loopback only. \
            A fleet: --instances 3 --store postgres --postgres-url URL [--s3-endpoint URL] (./scripts/soak starts \
            both servers when these are missing).
            """)

    @Option(help: "Requests to offer.")
    var requests = 600

    @Option(help: "Requests offered per second.")
    var rate = 20.0

    @Option(help: "The simulated workspace's limit (processor calls per minute); the gateway is paced to it.")
    var processorLimit = 600

    @Option(help: "Seconds to wait, after the load, for every accepted request to finish.")
    var drainTimeout = 300.0

    @OptionGroup var fleet: FleetOptions

    @Option(help: "An S3-compatible endpoint for the access results (credentials from AWS_* variables).")
    var s3Endpoint: String?

    @Option(help: "The bucket for the access results, created when missing.")
    var s3Bucket = "dsr-gateway-soak"

    func validate() throws {
        guard requests > 0, rate > 0, processorLimit > 0, drainTimeout > 0 else {
            throw ValidationError("--requests, --rate, --processor-limit and --drain-timeout must be positive.")
        }
    }

    func run() async throws {
        let topology = SoakTopology(
            instances: fleet.instances, postgresServer: fleet.postgresServer, s3Endpoint: s3Endpoint, s3Bucket: s3Bucket
        )
        let report = try await SoakRun(
            requests: requests, perSecond: rate, processorLimit: processorLimit, drainTimeout: drainTimeout,
            topology: topology
        ).run()
        announce("\n" + report.table)
        guard report.passed else {
            announce(
                "FAILED: every offered request must be accepted and completed, with lost = 0, duplicates = 0, "
                    + "429s caused = 0 and one notification per alert transition")
            throw ExitCode(1)
        }
        announce("PASSED")
    }
}
