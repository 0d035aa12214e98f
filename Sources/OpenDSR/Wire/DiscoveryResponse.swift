/// Body of `GET /v3/discovery` (docs/upstream-apis.md, "Discovery and the processor certificate").
package struct DiscoveryResponse: Codable, Sendable, Equatable {
    package var apiVersion: String
    package var supportedIdentities: [SupportedIdentity]
    package var supportedSubjectRequestTypes: [String]
    package var processorCertificate: String

    package init(
        apiVersion: String = "3.0", supportedIdentities: [SupportedIdentity], supportedSubjectRequestTypes: [String],
        processorCertificate: String
    ) {
        self.apiVersion = apiVersion
        self.supportedIdentities = supportedIdentities
        self.supportedSubjectRequestTypes = supportedSubjectRequestTypes
        self.processorCertificate = processorCertificate
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion = "api_version"
        case supportedIdentities = "supported_identities"
        case supportedSubjectRequestTypes = "supported_subject_request_types"
        case processorCertificate = "processor_certificate"
    }

    /// `{identity_type, identity_format}`.
    package struct SupportedIdentity: Codable, Sendable, Equatable {
        package var identityType: String
        package var identityFormat: String

        package init(identityType: String, identityFormat: String = "raw") {
            self.identityType = identityType
            self.identityFormat = identityFormat
        }

        enum CodingKeys: String, CodingKey {
            case identityType = "identity_type"
            case identityFormat = "identity_format"
        }
    }
}
