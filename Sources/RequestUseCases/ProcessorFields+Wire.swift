import DSRCore
import OpenDSR

extension SubmitResponse {
    /// The processor fields the 201 answer carries.
    package var processorFields: ProcessorFields {
        ProcessorFields(
            controllerId: controllerId, expectedCompletionTime: expectedCompletionTime.flatMap(Timestamp.parse),
            receivedTime: Timestamp.parse(receivedTime))
    }
}

extension RequestStatusResponse {
    /// The processor fields a status answer carries.
    package var processorFields: ProcessorFields {
        ProcessorFields(
            controllerId: controllerId, expectedCompletionTime: expectedCompletionTime.flatMap(Timestamp.parse),
            resultsURL: resultsUrl)
    }
}

extension CallbackBody {
    /// The processor fields a callback carries.
    package var processorFields: ProcessorFields {
        ProcessorFields(
            controllerId: controllerId, expectedCompletionTime: expectedCompletionTime.flatMap(Timestamp.parse),
            resultsURL: resultsUrl)
    }
}
