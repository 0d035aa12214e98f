import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A secret the gateway generates once and keeps in a file readable by its owner only (0600): the audit signing key,
/// the subject encryption key. Never written over: instances sharing the file read whichever was written first.
package enum SecretKeyFile {
    /// The file's text; when it does not exist and `generating` is true, `generate()` is written and returned
    /// (`generated` true). Nil text when it does not exist and may not be made.
    package static func read(
        _ path: String, generating: Bool, _ generate: () -> String
    ) -> (text: String?, generated: Bool) {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) { return (text, false) }
        guard generating else { return (nil, false) }
        let text = generate()
        if writeNew(path, text + "\n") { return (text, true) }
        // Another process may have written it first: take that one.
        return (try? String(contentsOfFile: path, encoding: .utf8), false)
    }

    /// Creates `path` readable by its owner only and writes `text`, failing if it exists.
    private static func writeNew(_ path: String, _ text: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count
    }
}
