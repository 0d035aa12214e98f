/// A soak run that could not be carried out (not a finding: findings are in the report).
struct SoakError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
