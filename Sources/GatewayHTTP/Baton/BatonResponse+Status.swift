import DSRCore
import Foundation
import RequestUseCases

extension BatonResponse {
    /// The answer to a Baton status call: queued, pending and in progress are `pending`; a cancelled request is
    /// `failed` (the old Lambda said `completed`, telling Baton an erasure happened when it had not); an access
    /// request is `completed` only once its results are stored (or known to be empty).
    package static func status(of request: DSRRequest, requestType: String) -> BatonResponse {
        let reference = "mParticle Request Id: \"\(request.subjectRequestId)\"."
        let (status, detail, locations) = statusParts(of: request)
        let extended =
            request.deadlineExtension != nil && status != .completed
            ? " The deadline was extended to \(Timestamp.format(request.deadline))." : ""
        return BatonResponse(
            requestType: requestType, action: "status", status: status, message: "\(reference) \(detail)\(extended)",
            resultLocations: locations)
    }

    private static func statusParts(of request: DSRRequest) -> (Status, String, [String]?) {
        let expected = request.processor.expectedCompletionTime.map {
            " Expected completion time: \(Timestamp.format($0))."
        }
        switch request.state {
        case .awaitingApproval:
            return (.pending, "Accepted; awaiting approval before it is sent to mParticle.", nil)
        case .failed where request.lastError == RequestApprover.denied:
            return (.failed, "The request was denied: \(request.resolution?.reason ?? "").", nil)
        case .queued:
            let retry = request.lastError.map { " Last delivery attempt: \($0)." } ?? ""
            return (.pending, "Accepted; waiting to be delivered to mParticle.\(retry)", nil)
        case .pending, .inProgress:
            return (.pending, "Status: \(request.state.rawValue).\(expected ?? "")", nil)
        case .cancelled:
            let what = request.type == .erasure ? "the erasure did not happen" : "no results were produced"
            return (.failed, "The request was cancelled at mParticle: \(what).", nil)
        case .failed:
            return (.failed, "The request failed: \(request.lastError ?? "unknown reason").", nil)
        case .completed where request.type == .erasure:
            return (.completed, "Erasure completed.", nil)
        case .completed:
            return accessParts(of: request.results)
        }
    }

    private static func accessParts(of results: ResultsRecord) -> (Status, String, [String]?) {
        switch results.status {
        case nil:
            return (.pending, "Completed at mParticle; the results are being fetched.", nil)
        case .stored:
            return (.completed, "Results stored.", results.shownLocation.map { [$0] } ?? [])
        case .noData:
            return (.completed, "mParticle found no data for this subject: there are no results.", [])
        case .deleted:
            return (.completed, "The results were deleted at the end of the retention period.", [])
        case .expired:
            return (.failed, "The results link expired before the results could be fetched.", nil)
        case .refused:
            return (.failed, "The results link was not on mParticle's API, so it was not followed.", nil)
        case .failed:
            return (.failed, "The results could not be fetched; see the request's audit trail.", nil)
        }
    }
}
