import OpenDSR

/// The simulator's wire bodies in mParticle's member order (docs/upstream-apis.md: "Submitting a request",
/// "Request status", "Cancelling" and "Callbacks").
extension CallbackBody {
    /// The real mParticle callback order: controller_id, expected_completion_time, status_callback_url,
    /// subject_request_id, request_status, results_url, extensions.
    func orderedJSON() throws -> [UInt8] {
        var object = OrderedJSONObject()
        try object.add("controller_id", controllerId)
        try object.add("expected_completion_time", expectedCompletionTime)
        try object.add("status_callback_url", statusCallbackUrl)
        try object.add("subject_request_id", subjectRequestId)
        try object.add("request_status", requestStatus)
        try object.add("results_url", resultsUrl)
        try object.add("extensions", extensions)
        return object.bytes
    }
}

extension SubmitResponse {
    /// The docs' order: expected_completion_time, received_time, encoded_request, subject_request_id, controller_id.
    func orderedJSON() throws -> [UInt8] {
        var object = OrderedJSONObject()
        try object.add("expected_completion_time", expectedCompletionTime)
        try object.add("received_time", receivedTime)
        try object.add("encoded_request", encodedRequest)
        try object.add("subject_request_id", subjectRequestId)
        try object.add("controller_id", controllerId)
        return object.bytes
    }
}

extension RequestStatusResponse {
    /// The docs' order: controller_id, expected_completion_time, subject_request_id, group_id, request_status,
    /// api_version, results_url, extensions.
    func orderedJSON() throws -> [UInt8] {
        var object = OrderedJSONObject()
        try object.add("controller_id", controllerId)
        try object.add("expected_completion_time", expectedCompletionTime)
        try object.add("subject_request_id", subjectRequestId)
        try object.add("group_id", groupId)
        try object.add("request_status", requestStatus)
        try object.add("api_version", apiVersion)
        try object.add("results_url", resultsUrl)
        try object.add("extensions", extensions)
        return object.bytes
    }
}
