import Foundation

/// Where results archives live. The filesystem store is the default; an object store can implement the same.
package protocol ResultsStore: Sendable {
    /// Stores the downloaded archive at `file` (staged in ``stagingDirectory``; the store may take it) for a request,
    /// whole or not at all, and returns its location.
    func save(_ file: URL, subjectRequestId: String) async throws -> String

    /// Deletes a stored archive (retention); deleting one that is already gone is not an error.
    func delete(location: String) async throws

    /// Where a download is written before ``save(_:subjectRequestId:)``: a 0700 directory of this process's user,
    /// never the shared temporary directory itself.
    var stagingDirectory: URL { get }
}
