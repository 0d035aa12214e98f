import DSRCore
import Foundation
import Hummingbird

/// What Baton sends its data-provider Lambdas (docs/baton.md), field for field.
struct BatonRequest: Decodable {
    var requestType: String
    var action: String
    var dataProvider: String?
    var subjectId: String?
    var subjectEmail: String?
    var initiationReference: String?
}

/// What a data provider answers Baton: the same field names and values as the Lambdas'.
package struct BatonResponse: ResponseEncodable, Equatable, Sendable {
    package var requestType: String
    package var action: String
    package var status: Status
    package var initiationReference: String?
    package var message: String
    package var resultLocations: [String]?

    /// Baton's three statuses.
    package enum Status: String, Codable, Sendable {
        case pending, completed, failed
    }
}

/// Baton's request types and the data providers it names for them.
enum BatonRequestType: String {
    /// Right to erasure.
    case rer = "RER"
    /// Subject access.
    case sar = "SAR"

    var dataProvider: String {
        switch self {
        case .rer: "mparticlerer"
        case .sar: "mparticlesar"
        }
    }

    /// Whether a stored request of this type answers to this Baton request type.
    func matches(_ type: RequestType) -> Bool {
        switch self {
        case .rer: type == .erasure
        case .sar: type != .erasure
        }
    }
}
