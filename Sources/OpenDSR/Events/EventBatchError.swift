/// A batch breaks a rule of the Events API. `field` is a path into the batch (`user_attributes`,
/// `events[0].event_type`); neither it nor `message` ever holds a value from the batch.
package struct EventBatchError: Error, Sendable, Equatable {
    /// Which kind of rule was broken.
    package enum Code: Sendable, Equatable {
        /// One field is invalid (bad environment, name or value too long, empty event type).
        case invalidField
        /// The batch as a whole is over a limit (attribute count, encoded size).
        case invalidBatch
    }

    package var code: Code
    package var field: String
    package var message: String

    package init(_ code: Code, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}
