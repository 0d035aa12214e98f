/// A command that could not do what it was asked, for a reason the message names (printed as `Error: …`, exit 1);
/// ArgumentParser's `ValidationError` is for arguments that are wrong in themselves (printed with the usage, exit 64).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
