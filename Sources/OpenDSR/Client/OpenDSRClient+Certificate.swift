import Logging

extension OpenDSRClient {
    /// The processor's certificate chain: `GET /discovery` → `processor_certificate` → the PEM (fetched without
    /// credentials, as it is public).
    package func processorCertificateChain(logger: Logger) async throws -> String {
        let outcome = await discovery(logger: logger)
        guard case .success(let discovery) = outcome else {
            throw OpenDSRClientError(message: "discovery failed: \(outcome.summary)")
        }
        return try await certificateChainPEM(at: discovery.processorCertificate, logger: logger)
    }
}
