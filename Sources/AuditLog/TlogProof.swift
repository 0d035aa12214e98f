import Foundation

/// A C2SP `tlog-proof` (c2sp.org/tlog-proof): an entry's index in the log, its RFC 6962 inclusion proof, and the
/// signed checkpoint it proves inclusion in, verbatim. Verifiable offline with the log's public key.
package struct TlogProof: Sendable, Equatable {
    static let header = "c2sp.org/tlog-proof@v1"

    package var index: Int
    package var hashes: [TreeHash]
    /// The checkpoint's signed note, as the log signed it.
    package var checkpoint: String

    package init(index: Int, hashes: [TreeHash], checkpoint: String) {
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
    }

    package var text: String {
        Self.header + "\nindex \(index)\n" + hashes.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n"
            + checkpoint
    }

    /// Reads a proof; its `extra` line, if any, is skipped (it is not authenticated, and this log writes none).
    package static func parse(_ text: String) throws(TlogProofError) -> TlogProof {
        guard let split = text.range(of: "\n\n") else { throw .malformed("no blank line before the checkpoint") }
        var lines = text[..<split.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(header) else { throw .malformed("the first line is not \(header)") }
        if lines.first?.hasPrefix("extra ") == true { lines.removeFirst() }
        guard let indexLine = lines.popFirst(), indexLine.hasPrefix("index "),
            let index = Int(indexLine.dropFirst(6)), index >= 0, String(index) == indexLine.dropFirst(6)
        else { throw .malformed("no 'index N' line") }
        var hashes: [TreeHash] = []
        for line in lines {
            guard let hash = Data(base64Encoded: String(line)), hash.count == 32 else {
                throw .malformed("a proof line is not a base64 SHA-256 hash")
            }
            hashes.append(Array(hash))
        }
        return TlogProof(index: index, hashes: hashes, checkpoint: String(text[split.upperBound...]))
    }
}

package enum TlogProofError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    package var description: String {
        switch self {
        case .malformed(let why): "malformed tlog-proof: \(why)"
        }
    }
}
