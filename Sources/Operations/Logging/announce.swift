import Foundation

/// Writes a line to standard output at once (unbuffered), so a supervisor or a test reading a pipe sees
/// `listening on …` as soon as it is true.
package func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
