import Foundation

/// Writes a line to standard output at once (unbuffered), so a supervisor or a test reading a pipe sees
/// `listening on …` as soon as it is true. A reader that went away (`… | head -1`) loses the line; it does not stop
/// the process.
package func announce(_ line: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
}
