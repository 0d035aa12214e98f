/// mParticle's (unwrapped) error body: `{"code": 400, "message": "...", "errors": [...]}` (docs/upstream-apis.md,
/// "Errors").
package struct ProcessorErrorBody: Codable, Sendable, Equatable {
    package var code: Int
    package var message: String
    package var errors: [Detail]

    package init(
        code: Int, message: String, reason: String = "InvalidOperationException", domain: String = "Validation"
    ) {
        self.code = code
        self.message = message
        self.errors = [Detail(domain: domain, reason: reason, message: message)]
    }

    /// One entry of `errors`.
    package struct Detail: Codable, Sendable, Equatable {
        package var domain: String
        package var reason: String
        package var message: String
    }

    /// The message mParticle uses for a reused `subject_request_id`.
    package static let alreadyExistsMessage = "Subject request already exists."
}
