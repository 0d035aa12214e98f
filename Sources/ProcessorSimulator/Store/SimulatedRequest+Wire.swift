import Foundation
import OpenDSR

/// How the simulator writes times: `expected_completion_time` in whole seconds (`2021-12-09T00:00:00Z`, as in
/// mParticle's examples), `received_time` with fractional seconds.
enum WireTime {
    /// `2021-12-09T00:00:00Z`.
    static func seconds(_ date: Date) -> String { date.formatted(.iso8601) }

    /// `2021-11-29T18:16:24.556Z`.
    static func fractional(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

extension SimulatedRequest {
    /// The `GET /v3/requests/{id}` body.
    func statusResponse(controllerId: String, baseURL: URL) -> RequestStatusResponse {
        RequestStatusResponse(
            controllerId: controllerId,
            expectedCompletionTime: status == .cancelled ? nil : WireTime.seconds(plan.expectedCompletion),
            subjectRequestId: id,
            groupId: groupId,
            requestStatus: status.rawValue,
            resultsUrl: hasResults ? Self.resultsURL(id: id, baseURL: baseURL) : nil
        )
    }

    /// Where the results archive of request `id` is served (Basic auth, under `/v3`).
    static func resultsURL(id: String, baseURL: URL) -> String {
        baseURL.appending(path: "v3/requests/\(id)/results").absoluteString
    }
}

extension PendingCallback {
    /// The callback body of this copy, in mParticle's key order, with `status_callback_url` = this copy's URL.
    func body(controllerId: String, baseURL: URL) -> CallbackBody {
        CallbackBody(
            controllerId: controllerId,
            expectedCompletionTime: status == .cancelled ? nil : WireTime.seconds(expectedCompletion),
            statusCallbackUrl: url,
            subjectRequestId: requestId,
            requestStatus: status.rawValue,
            resultsUrl: hasResults ? SimulatedRequest.resultsURL(id: requestId, baseURL: baseURL) : nil
        )
    }
}

/// The `DELETE /v3/requests/{id}` body: mParticle's example (expected_completion_time null, received_time,
/// subject_request_id, controller_id) plus OpenDSR's `api_version`.
struct CancelResponse {
    let receivedTime: String
    let subjectRequestId: String
    let controllerId: String

    /// The body in the docs' member order.
    func orderedJSON() throws -> [UInt8] {
        var object = OrderedJSONObject()
        try object.add("expected_completion_time", String?.none)
        try object.add("received_time", receivedTime)
        try object.add("subject_request_id", subjectRequestId)
        try object.add("controller_id", controllerId)
        try object.add("api_version", "3.0")
        return object.bytes
    }
}
