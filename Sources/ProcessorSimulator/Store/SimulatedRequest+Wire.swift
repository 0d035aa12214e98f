import Foundation
import OpenDSR

/// How the simulator writes times: `expected_completion_time` in whole seconds (`2021-12-09T00:00:00Z`, as in
/// mParticle's examples), `received_time` with fractional seconds.
enum WireTime {
    /// `2021-12-09T00:00:00Z`.
    static func seconds(_ date: Date) -> String { date.formatted(.iso8601) }

    /// `2021-11-29T18:16:24.556Z`.
    static func fractional(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
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

/// The `DELETE /v3/requests/{id}` body (mParticle's example, plus OpenDSR's `api_version`).
struct CancelResponse: Encodable {
    let receivedTime: String
    let subjectRequestId: String
    let controllerId: String

    enum CodingKeys: String, CodingKey {
        case expectedCompletionTime = "expected_completion_time"
        case receivedTime = "received_time"
        case subjectRequestId = "subject_request_id"
        case controllerId = "controller_id"
        case apiVersion = "api_version"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeNil(forKey: .expectedCompletionTime)
        try container.encode(receivedTime, forKey: .receivedTime)
        try container.encode(subjectRequestId, forKey: .subjectRequestId)
        try container.encode(controllerId, forKey: .controllerId)
        try container.encode("3.0", forKey: .apiVersion)
    }
}
