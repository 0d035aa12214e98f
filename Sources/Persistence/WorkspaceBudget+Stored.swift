import DSRCore
import Foundation

extension WorkspaceBudget {
    /// What both engines do inside their transaction: decodes the `budget` column (NULL: a fresh budget), lets
    /// `change` modify it at `now`, and returns the result with the text to write back, nil when nothing changed.
    static func change<T>(
        stored text: String?, at now: Date, _ change: (inout WorkspaceBudget, Date) -> T
    ) throws -> (result: T, write: String?) {
        var before = WorkspaceBudget()
        if let text {
            do {
                before = try JSONCoding.decoder().decode(WorkspaceBudget.self, from: Data(text.utf8))
            } catch {
                throw StoreError(code: .corruptRow, column: "budget")
            }
        }
        var budget = before
        let result = change(&budget, now)
        guard budget != before else { return (result, nil) }
        return (result, String(decoding: try JSONCoding.encoder().encode(budget), as: UTF8.self))
    }
}
