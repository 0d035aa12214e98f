import AsyncHTTPClient
import Crypto
import DSRCore
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The few S3 calls the results store needs, each signed with SigV4, bounded in time and in what it reads.
package struct S3Client: Sendable {
    package let configuration: S3Configuration
    private let httpClient: HTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Uses the caller's shared `httpClient`; `now` is the clock used for signing. Each call is logged at debug
    /// (operation, status, duration), an aborted upload at warning.
    package init(
        configuration: S3Configuration, httpClient: HTTPClient, logger: Logger = Logger(label: "s3"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.now = now
    }

    /// PutObject of a body held in memory (one part at most), with the configured server-side encryption.
    /// Returns the ETag.
    @discardableResult
    package func putObject(key: String, body: Data, contentType: String = "application/zip") async throws(S3Error)
        -> String
    {
        let headers = [("Content-Type", contentType)] + configuration.serverSideEncryption.headers
        let answer = try await send("PutObject", "PUT", key: key, headers: headers, body: body)
        return answer.headers.first(name: "ETag") ?? ""
    }

    /// Uploads the file at `file` to `key` in parts of `partSize` read one at a time from disk, each signed with its
    /// own hash; the object appears only when CompleteMultipartUpload succeeds. On any failure (cancellation
    /// included) the upload is aborted, so no parts are left behind.
    package func uploadFile(_ file: URL, key: String, contentType: String = "application/zip") async throws(S3Error) {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: file) } catch { throw .file("cannot open the archive") }
        defer { try? handle.close() }
        let headers = [("Content-Type", contentType)] + configuration.serverSideEncryption.headers
        let created = try await send(
            "CreateMultipartUpload", "POST", key: key, query: [("uploads", "")], headers: headers, body: nil)
        guard let uploadId = Self.element("UploadId", in: created.body) else {
            throw .invalidResponse(operation: "CreateMultipartUpload", reason: "no UploadId")
        }
        do {
            var etags: [(number: Int, etag: String)] = []
            while true {
                let chunk: Data
                do { chunk = try handle.read(upToCount: configuration.partSize) ?? Data() } catch {
                    throw S3Error.file("cannot read the archive")
                }
                if chunk.isEmpty && !etags.isEmpty { break }
                let number = etags.count + 1
                let part = try await send(
                    "UploadPart", "PUT", key: key, query: [("partNumber", "\(number)"), ("uploadId", uploadId)],
                    headers: [], body: chunk)
                guard let etag = part.headers.first(name: "ETag"), !etag.isEmpty else {
                    throw S3Error.invalidResponse(operation: "UploadPart", reason: "no ETag")
                }
                etags.append((number, etag))
                if chunk.count < configuration.partSize { break }
            }
            try Task.checkCancellation()
            let document = Self.completionDocument(etags)
            let completed = try await send(
                "CompleteMultipartUpload", "POST", key: key, query: [("uploadId", uploadId)],
                headers: [("Content-Type", "application/xml")], body: Data(document.utf8))
            // S3 may answer 200 and still fail, with an <Error> document in the body.
            if Self.element("Code", in: completed.body) != nil || Self.element("ETag", in: completed.body) == nil {
                throw S3Error.rejected(
                    operation: "CompleteMultipartUpload", status: 200, code: Self.errorCode(in: completed.body))
            }
        } catch {
            // A task of its own, so that a cancelled caller still aborts.
            let client = self
            let aborted = await Task { () -> Bool in
                (try? await client.abortMultipartUpload(key: key, uploadId: uploadId)) != nil
            }.value
            let failure = Self.s3Error(error, operation: "MultipartUpload")
            logger.warning(
                "multipart upload failed", metadata: ["error": "\(failure)", "s3.aborted": "\(aborted)"])
            throw failure
        }
    }

    /// AbortMultipartUpload: discards the parts uploaded so far.
    package func abortMultipartUpload(key: String, uploadId: String) async throws(S3Error) {
        try await send(
            "AbortMultipartUpload", "DELETE", key: key, query: [("uploadId", uploadId)], headers: [], body: nil,
            accepting: [204, 404])
    }

    /// DeleteObject; an object that is already gone (204 or 404) is not an error.
    package func deleteObject(key: String) async throws(S3Error) {
        try await send("DeleteObject", "DELETE", key: key, headers: [], body: nil, accepting: [200, 204, 404])
    }

    /// GetObject, reading at most `maxBytes`; returns the body and the answer's headers.
    package func getObject(key: String, maxBytes: Int) async throws(S3Error) -> (body: Data, headers: HTTPHeaders) {
        let answer = try await send("GetObject", "GET", key: key, headers: [], body: nil, maxBytes: maxBytes)
        return (answer.body, answer.headers)
    }

    /// CreateBucket, in the configured region (the location constraint is omitted for us-east-1, as S3 requires).
    package func createBucket() async throws(S3Error) {
        var body: Data?
        if configuration.region != "us-east-1" {
            body = Data(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>")
                    .utf8)
        }
        try await send("CreateBucket", "PUT", key: "", headers: [], body: body)
    }

    /// Writes and deletes a small object under the prefix: the bucket is reachable, the credentials valid and
    /// allowed to put and delete there, and the encryption settings accepted.
    package func probe() async throws(S3Error) {
        let key = "\(configuration.prefix).probe-\(UUID().uuidString.lowercased())"
        try await putObject(key: key, body: Data("dsr-gateway check-config\n".utf8), contentType: "text/plain")
        try await deleteObject(key: key)
    }

    /// The answer to one call.
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    /// Signs and sends one request, reads at most `maxBytes` of the answer within the time allowed, and turns any
    /// status outside `accepting` (default: 2xx) into ``S3Error/rejected(operation:status:code:)``.
    @discardableResult
    func send(
        _ operation: String, _ method: String, key: String, query: [(name: String, value: String)] = [],
        headers: [(String, String)], body: Data?, accepting: Set<Int>? = nil, maxBytes: Int? = nil
    ) async throws(S3Error) -> Answer {
        let address = configuration.address(of: key)
        let payload = body ?? Data()
        let payloadHash = AWSSigV4.hex(SHA256.hash(data: payload))
        let signer = AWSSigV4(
            credentials: configuration.credentials, region: configuration.region, service: "s3", options: .s3)
        let headers = [("Host", address.host)] + headers
        let signed = signer.sign(
            AWSSigV4.Request(
                method: method, path: address.path, query: query,
                headers: headers.map { (name: $0.0, value: $0.1) }, payloadHash: payloadHash),
            at: now())
        let queryString = AWSSigV4.canonicalQuery(query)
        var request = HTTPClientRequest(url: address.url + (queryString.isEmpty ? "" : "?\(queryString)"))
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers + signed.headers.map({ ($0.name, $0.value) }) {
            request.headers.add(name: name, value: value)
        }
        if let body {
            request.body = .bytes(ByteBuffer(data: body))
        }
        let seconds = configuration.timeout + Double(payload.count) / 1_048_576
        let limit = maxBytes ?? configuration.maxResponseBytes
        let answer: Answer
        let started = ContinuousClock.now
        do {
            answer = try await withTimeLimit(.milliseconds(Int64(seconds * 1000))) { [httpClient, request] in
                let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(seconds * 1000)))
                let buffer = try await response.body.collect(upTo: limit)
                return Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: buffer))
            }
        } catch {
            throw Self.s3Error(error, operation: operation)
        }
        logger.debug(
            "s3 call",
            metadata: [
                "s3.operation": "\(operation)", "s3.status": "\(answer.status)",
                "duration_ms": "\(Int64((ContinuousClock.now - started) / .milliseconds(1)))",
            ])
        let accepted = accepting.map { $0.contains(answer.status) } ?? (200..<300).contains(answer.status)
        guard accepted else {
            throw .rejected(operation: operation, status: answer.status, code: Self.errorCode(in: answer.body))
        }
        return answer
    }

    /// The CompleteMultipartUpload document listing each part's number and ETag.
    static func completionDocument(_ parts: [(number: Int, etag: String)]) -> String {
        let items = parts.map {
            "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(xmlEscaped($0.etag))</ETag></Part>"
        }
        return "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + items.joined() + "</CompleteMultipartUpload>"
    }

    /// The text of the first `<name>` element, unescaped; a scan, not an XML parser: S3's answers are flat enough.
    package static func element(_ name: String, in body: Data) -> String? {
        guard let text = String(data: body, encoding: .utf8),
            let open = text.range(of: "<\(name)>"),
            let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return xmlUnescaped(String(text[open.upperBound..<close.lowerBound]))
    }

    /// The `<Code>` of an S3 error document, kept only if it looks like one (letters and digits, short): nothing
    /// else of the body is kept, since error documents can echo the access key and the string that was signed.
    static func errorCode(in body: Data) -> String? {
        guard let code = element("Code", in: body), !code.isEmpty, code.count <= 64,
            code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") })
        else { return nil }
        return code
    }

    private static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func xmlUnescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#34;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Keeps an ``S3Error`` as it is; anything else (timeout, connection, cancellation) becomes `unreachable` with
    /// the error's type only.
    private static func s3Error(_ error: any Error, operation: String) -> S3Error {
        if let error = error as? S3Error { return error }
        return .unreachable(operation: operation, reason: "\(type(of: error))")
    }
}

/// An S3 call failed. No case carries credentials, signatures or the body of an answer beyond its error code.
package enum S3Error: Error, Equatable, CustomStringConvertible {
    /// S3 answered with a status the call does not accept; `code` is the `<Code>` of its error document.
    case rejected(operation: String, status: Int, code: String?)
    /// No answer: timeout, connection failure, cancellation or an oversized answer (the error's type only).
    case unreachable(operation: String, reason: String)
    /// A success without what it should carry (an UploadId, an ETag).
    case invalidResponse(operation: String, reason: String)
    /// The archive could not be read.
    case file(String)
    /// A configuration or argument S3 would refuse.
    case invalidArgument(String)

    package var description: String {
        switch self {
        case .rejected(let operation, let status, let code):
            "S3 \(operation) answered \(status)\(code.map { " \($0)" } ?? "")"
        case .unreachable(let operation, let reason): "S3 \(operation) failed: \(reason)"
        case .invalidResponse(let operation, let reason): "S3 \(operation) answered without \(reason)"
        case .file(let message), .invalidArgument(let message): message
        }
    }
}
