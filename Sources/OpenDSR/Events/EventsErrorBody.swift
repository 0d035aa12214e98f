/// The Events API's optional error body: `{"errors":[{"code":"BAD_REQUEST","message":"..."}]}`
/// (docs/upstream-apis.md, "Events API").
package struct EventsErrorBody: Codable, Sendable, Equatable {
    package var errors: [Detail]

    package init(code: String, message: String) {
        errors = [Detail(code: code, message: message)]
    }

    /// One entry of `errors`.
    package struct Detail: Codable, Sendable, Equatable {
        package var code: String
        package var message: String
    }
}
