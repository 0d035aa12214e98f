import Foundation

/// The one JSON configuration the gateway (and its simulator) writes and reads: sorted keys and unescaped slashes,
/// so bodies are stable and compact, and dates as RFC 3339 text (``Timestamp``).
package enum JSONCoding {
    /// A new encoder with sorted keys, unescaped slashes and RFC 3339 dates.
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// A new decoder reading RFC 3339 dates (and, for rows written before dates were text, Foundation's default
    /// seconds since 2001).
    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSinceReferenceDate: seconds) }
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date")
            }
            return date
        }
        return decoder
    }
}
