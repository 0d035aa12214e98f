import Foundation
import NIOHTTP1
import OpenDSR
import ProcessorSimulator
import SwiftASN1
import Testing
import X509

@Suite("Discovery and the processor certificate")
struct DiscoveryTests {
    @Test("discovery lists api 3.0, the 11 identities, the three types and a PEM URL on this server")
    func discovery() async throws {
        try await SimulatorHarness.run { harness in
            #expect(try await harness.send(.GET, "v3/discovery", credentials: nil).status == 401)
            let answer = try await harness.send(.GET, "v3/discovery")
            #expect(answer.status == 200)
            let discovery = try answer.decode(DiscoveryResponse.self)
            #expect(discovery.apiVersion == "3.0")
            #expect(discovery.supportedIdentities.count == 11)
            #expect(discovery.supportedIdentities.allSatisfy { $0.identityFormat == "raw" })
            #expect(discovery.supportedIdentities.map(\.identityType).contains("controller_customer_id"))
            #expect(Set(discovery.supportedSubjectRequestTypes) == ["access", "erasure", "portability"])
            #expect(
                discovery.processorCertificate
                    == harness.baseURL.appending(path: "static/dsr/opendsr_cert.pem").absoluteString)
        }
    }

    @Test("the PEM (no auth) is leaf opendsr.mparticle.com → intermediate → the trust root")
    func chain() async throws {
        try await SimulatorHarness.run { harness in
            let chain = try await ServedChain.fetch(from: harness)
            #expect(chain.certificates.count == 3)
            let (leaf, intermediate, root) = (chain.certificates[0], chain.certificates[1], chain.certificates[2])
            #expect(leaf.subject.description.contains("CN=opendsr.mparticle.com"))
            let names = try leaf.extensions.subjectAlternativeNames
            #expect(names?.contains(.dnsName("opendsr.mparticle.com")) == true)
            #expect(intermediate.publicKey.isValidSignature(leaf.signature, for: leaf))
            #expect(root.publicKey.isValidSignature(intermediate.signature, for: intermediate))
            #expect(try Certificate(pemEncoded: harness.simulator.trustRootPEM) == root)
            #expect(leaf.notValidBefore <= SimulatorHarness.start && SimulatorHarness.start < leaf.notValidAfter)
            #expect(leaf == harness.simulator.certificateChain.leaf)
        }
    }
}
