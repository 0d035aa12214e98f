import DSRCore
import Foundation
import Hummingbird

/// The JSON representation of a stored request returned by the API (written by ``JSONWriter``).
package struct RequestView: ResponseGenerator, Sendable {
    package var id: String
    package var regulation: Regulation
    package var type: RequestType
    package var source: RequestSource
    package var state: RequestState
    /// Nil once erased (``subjectErasedAt``).
    package var subject: SubjectIdentity?
    package var subjectErasedAt: Date?
    package var receivedAt: Date
    package var deadline: Date
    package var processor: ProcessorView
    package var resultLocation: String?
    package var resultsStatus: ResultsStatus?
    package var attempts: Int
    package var lastError: String?
    package var nextAttemptAt: Date?
    package var updatedAt: Date
    package var audit: [AuditEntry]?
    /// The API key that submitted it.
    package var principal: String?
    /// How a person closed it, when the gateway could not serve it by itself.
    package var resolution: Resolution?
    /// The one extension of the deadline, when a person granted it (`deadline` is then the extended one).
    package var deadlineExtension: DeadlineExtension?

    package init(_ request: DSRRequest, audit: [AuditEntry]? = nil) {
        id = request.subjectRequestId
        regulation = request.regulation
        type = request.type
        source = request.source
        state = request.state
        subject = request.subjectErasedAt == nil ? request.subject : nil
        subjectErasedAt = request.subjectErasedAt
        receivedAt = request.receivedAt
        deadline = request.deadline
        processor = ProcessorView(request.processor)
        resultLocation = request.results.shownLocation
        resultsStatus = request.results.status
        attempts = request.attempts
        lastError = request.lastError
        nextAttemptAt = request.state == .queued ? request.nextAttemptAt : nil
        updatedAt = request.updatedAt
        self.audit = audit
        principal = request.principal
        resolution = request.resolution
        deadlineExtension = request.deadlineExtension
    }

    /// Processor fields under API names.
    package struct ProcessorView: Sendable {
        package var controllerId: String?
        package var expectedCompletionTime: Date?
        package var receivedTime: Date?
        package var resultsAvailable: Bool
        /// The id of our request this one follows at the processor (it refused this one as a duplicate of that one).
        package var follows: String?

        init(_ fields: ProcessorFields) {
            controllerId = fields.controllerId
            expectedCompletionTime = fields.expectedCompletionTime
            receivedTime = fields.receivedTime
            resultsAvailable = fields.resultsURL != nil
            follows = fields.follows?.uuidString.lowercased()
        }
    }
}

/// A list of requests.
package struct RequestListView: ResponseGenerator, Sendable {
    package var requests: [RequestView]

    package func response(from request: Request, context: some RequestContext) -> Response {
        var writer = JSONWriter(capacity: 512 * max(1, requests.count))
        writer.object { writer in
            writer.array("requests", requests) { writer, view in view.write(to: &writer) }
        }
        return .json(writer.bytes)
    }
}
