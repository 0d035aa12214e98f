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

    /// Writes `text` to a private temporary file beside `path`, then links it into place, which fails if `path`
    /// exists: nobody ever reads a half-written key.
    private static func writeNew(_ path: String, _ text: String) -> Bool {
        let temporary = "\(path).\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { return false }
        defer { unlink(temporary) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == bytes.count
        close(descriptor)
        return written && link(temporary, path) == 0
    }

    /// Removes a key file this process generated moments ago (when the store it was for turned out to need another).
    package static func discard(_ path: String) {
        unlink(path)
    }
}
