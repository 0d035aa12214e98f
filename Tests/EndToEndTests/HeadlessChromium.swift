import Foundation

/// Debian's Chromium, headless (installed by `scripts/install-deps`): loads a URL as a browser would, for a
/// screenshot and the rendered DOM. Runs off the cooperative thread pool.
enum HeadlessChromium {
    static let executable = "/usr/bin/chromium"

    /// Saves a PNG of `url` to `screenshot` and returns the DOM after rendering.
    static func render(_ url: String, screenshot: URL) async throws -> String {
        _ = try await run(["--screenshot=\(screenshot.path)", "--window-size=1280,1400", url])
        return try await run(["--dump-dom", url])
    }

    private static func run(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // Root (as in CI containers) needs --no-sandbox; a fresh profile keeps runs independent.
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        process.arguments =
            ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { process.terminate() } }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                try? FileManager.default.removeItem(at: profile)
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
    }
}
