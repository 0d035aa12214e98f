import CallbackVerification
import DSRCore
import Foundation
import TestSupport
import Synchronization
import X509

/// Stands in for the processor's certificate URL: serves a settable PEM and counts how often it is fetched.
final class ServedCertificate: Sendable {
    struct Unreachable: Error {}

    private let state: Mutex<(pem: String?, fetches: Int)>

    /// `pem` nil makes every fetch fail, as if the URL were unreachable.
    init(_ pem: String?) {
        state = Mutex((pem, 0))
    }

    var fetches: Int { state.withLock { $0.fetches } }

    func serve(_ pem: String?) {
        state.withLock { $0.pem = pem }
    }

    func fetch(domain: String) throws -> String {
        try state.withLock { state in
            state.fetches += 1
            guard let pem = state.pem else { throw Unreachable() }
            return pem
        }
    }

    /// A cache over this served certificate, trusting the fixtures' root.
    func cache(clock: any WallClock, trustRoots: [Certificate] = PKIFixtures.trustRoots) -> ProcessorCertificateCache {
        ProcessorCertificateCache(
            fetchChainPEM: { domain in try self.fetch(domain: domain) },
            trustRoots: trustRoots,
            clock: clock
        )
    }
}
