import Foundation
import Operations
import Testing

/// The guide's CloudWatch metrics as Embedded Metric Format lines, from real `GatewayMetrics` expositions.
@Suite struct CloudWatchEMFTests {
    static let at = Date(timeIntervalSince1970: 1_767_690_000)

    static func objects(_ lines: [String]) throws -> [[String: Any]] {
        try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func countersAreReportedAsWhatChangedSinceTheLastReport() throws {
        let metrics = GatewayMetrics()
        let emf = CloudWatchEMF(environment: "PROD")
        metrics.certificateValidation(succeeded: true)
        metrics.batonCall(requestType: "RER", action: "initiate")
        metrics.processorCall(operation: "submit", outcome: "success", duration: .milliseconds(300))
        let first = MetricsText(metrics.exposition())
        metrics.certificateValidation(succeeded: true)
        metrics.certificateValidation(succeeded: false)
        metrics.processorCall(operation: "status", outcome: "success", duration: .milliseconds(100))
        metrics.processorCall(operation: "status", outcome: "success", duration: .milliseconds(200))
        let second = MetricsText(metrics.exposition())

        let firstReport = try Self.objects(emf.lines(current: first, previous: nil, at: Self.at))
        let secondReport = try Self.objects(emf.lines(current: second, previous: first, at: Self.at))

        // One line per RequestType (3 types × 2 regulations) and one for the rest.
        #expect(firstReport.count == 7)
        let other = try #require(secondReport.last)
        #expect(other["Environment"] as? String == "PROD")
        #expect(other["CertificateValidationSuccess"] as? Double == 1)
        #expect(other["CertificateValidationFailure"] as? Double == 1)
        #expect(other["BatonIntegrationCalls"] as? Double == 0)
        #expect(abs((other["MParticleAPILatency"] as? Double ?? 0) - 150) < 0.001)
        #expect(firstReport.last?["BatonIntegrationCalls"] as? Double == 1)

        let aws = try #require(other["_aws"] as? [String: Any])
        #expect(aws["Timestamp"] as? Int == 1_767_690_000_000)
        let directive = try #require((aws["CloudWatchMetrics"] as? [[String: Any]])?.first)
        #expect(directive["Namespace"] as? String == "MParticleAPI")
        #expect(directive["Dimensions"] as? [[String]] == [["Environment"]])
        let names = (directive["Metrics"] as? [[String: String]])?.compactMap { $0["Name"] }
        #expect(names?.contains("MParticleAPILatency") == true)
        #expect(
            (directive["Metrics"] as? [[String: String]])?.first { $0["Name"] == "MParticleAPILatency" }?["Unit"]
                == "Milliseconds")
    }

    @Test func requestCountsCarryTheGuidesRequestTypeDimension() throws {
        let current = MetricsText(
            """
            dsr_gateway_requests_submitted_total{type="erasure",regulation="gdpr"} 5
            dsr_gateway_requests_completed_total{type="erasure",regulation="gdpr"} 2
            dsr_gateway_requests_failed_total{type="erasure",regulation="gdpr"} 1
            """)
        let previous = MetricsText(#"dsr_gateway_requests_submitted_total{type="erasure",regulation="gdpr"} 3"#)
        let lines = try Self.objects(
            CloudWatchEMF(environment: "CODE").lines(current: current, previous: previous, at: Self.at))
        let erasures = try #require(lines.first { $0["RequestType"] as? String == "gdpr_delete" })
        #expect(erasures["Environment"] as? String == "CODE")
        #expect(erasures["DSRRequestsSubmitted"] as? Double == 2)
        #expect(erasures["DSRRequestsCompleted"] as? Double == 2)
        #expect(erasures["DSRRequestsFailed"] as? Double == 1)
        let directive = ((erasures["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first
        #expect(directive?["Dimensions"] as? [[String]] == [["Environment", "RequestType"]])
    }
}
