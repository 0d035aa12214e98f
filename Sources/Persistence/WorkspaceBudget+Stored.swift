import DSRCore
import Foundation

extension WorkspaceBudget {
    /// The budget a `workspace_budget` row holds: a fresh one while the column is still NULL.
    init(stored text: String?) throws {
        guard let text else {
            self.init()
            return
        }
        do {
            self = try JSONCoding.decoder().decode(WorkspaceBudget.self, from: Data(text.utf8))
        } catch {
            throw StoreError(code: .corruptRow, column: "budget")
        }
    }

    /// The text stored in the row.
    func storedText() throws -> String {
        String(decoding: try JSONCoding.encoder().encode(self), as: UTF8.self)
    }
}
