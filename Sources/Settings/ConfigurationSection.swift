import Foundation
import Configuration

/// One documented configuration key: its dotted name, its default as the README shows it, and what it means.
package struct ConfigurationKey: Sendable, Equatable {
    package var name: String
    package var defaultText: String
    package var meaning: String

    package init(name: String, defaultText: String, meaning: String) {
        self.name = name
        self.defaultText = defaultText
        self.meaning = meaning
    }
}

/// A section of the configuration (`dispatcher.*`, `processor.*`, …) as the component that owns it reads it. Every
/// read states the key's default and meaning once, right where it is read: the section collects them as the
/// documentation (the README's table is checked against it) and collects every problem found instead of stopping at
/// the first. Numbers can be range-checked as they are read.
package final class ConfigurationSection {
    private let reader: ConfigReader
    private let prefix: String
    /// Every key read so far, in order.
    package private(set) var keys: [ConfigurationKey] = []
    /// Every problem found so far, each naming its key and never a value.
    package private(set) var problems: [String] = []

    /// The section `prefix` of `reader` (an empty prefix for top-level keys).
    package init(_ reader: ConfigReader, prefix: String) {
        self.reader = prefix.isEmpty ? reader : reader.scoped(to: ConfigKey(prefix))
        self.prefix = prefix
    }

    /// The dotted name of `key` in this section.
    package func name(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    /// Records a problem with `key` (the message follows the key's name).
    package func problem(_ key: String, _ message: String) {
        problems.append("\(name(key)) \(message)")
    }

    /// Records a problem that names its keys itself.
    package func problem(_ message: String) {
        problems.append(message)
    }

    private func document(_ key: String, _ defaultText: String, _ meaning: String) {
        keys.append(ConfigurationKey(name: name(key), defaultText: defaultText, meaning: meaning))
    }

    package func string(_ key: String, default value: String, _ meaning: String) -> String {
        document(key, "`\(value)`", meaning)
        return reader.string(forKey: ConfigKey(key), default: value)
    }

    /// An optional string, documented as `shown`; `secret` ones are never printed.
    package func optionalString(_ key: String, secret: Bool = false, shown: String = "unset", _ meaning: String)
        -> String?
    {
        document(key, shown, meaning)
        return reader.string(forKey: ConfigKey(key), isSecret: secret)
    }

    package func strings(_ key: String, secret: Bool = false, default value: [String], _ meaning: String) -> [String] {
        document(key, value.isEmpty ? "—" : value.map { "`\($0)`" }.joined(separator: ", "), meaning)
        return reader.stringArray(forKey: ConfigKey(key), isSecret: secret, default: value)
    }

    package func bool(_ key: String, default value: Bool, _ meaning: String) -> Bool {
        document(key, "`\(value)`", meaning)
        return reader.bool(forKey: ConfigKey(key), default: value)
    }

    /// Checks that `text` (the value of `key`) is an absolute `https` URL, or `http` to a loopback address (the
    /// simulator, a local proxy): workspace credentials and subject data cross it.
    package func requireSecureURL(_ key: String, _ text: String) {
        guard let url = URL(string: text), let host = url.host?.lowercased(), let scheme = url.scheme?.lowercased()
        else { return problem(key, "must be an absolute URL") }
        let loopback = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        if scheme != "https" && !(scheme == "http" && loopback) {
            problem(key, "must be an https URL (plain http only to a loopback address)")
        }
    }

    /// An integer in `range` (a problem otherwise, and the default is used).
    package func int(
        _ key: String, default value: Int, in range: ClosedRange<Int>, shown: String? = nil, _ meaning: String
    ) -> Int {
        document(key, shown ?? "`\(value)`", meaning)
        let read = reader.int(forKey: ConfigKey(key), default: value)
        guard range.contains(read) else {
            problem(key, "must be \(Self.describe(range))")
            return value
        }
        return read
    }

    /// A number of seconds (or another measure) in `range` (a problem otherwise, and the default is used).
    package func double(
        _ key: String, default value: Double, in range: ClosedRange<Double>, shown: String? = nil, _ meaning: String
    ) -> Double {
        document(key, shown ?? "`\(Self.format(value))`", meaning)
        // A whole number written for a number of seconds (`"timeout_seconds": 3` in JSON) counts too.
        let read =
            reader.double(forKey: ConfigKey(key)) ?? reader.int(forKey: ConfigKey(key)).map(Double.init) ?? value
        guard read.isFinite, range.contains(read) else {
            problem(key, "must be \(Self.describe(range))")
            return value
        }
        return read
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == .max ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
    }

    private static func describe(_ range: ClosedRange<Double>) -> String {
        if range.lowerBound == .leastNonzeroMagnitude && range.upperBound == .greatestFiniteMagnitude {
            return "positive"
        }
        return range.upperBound == .greatestFiniteMagnitude
            ? "at least \(format(range.lowerBound))" : "\(format(range.lowerBound)) to \(format(range.upperBound))"
    }
}

extension ClosedRange<Double> {
    /// Any positive finite number.
    package static let positive = Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude
    /// Zero or any positive finite number.
    package static let nonNegative = 0...Double.greatestFiniteMagnitude
}

extension ClosedRange<Int> {
    /// One or more.
    package static let positive = 1...Int.max
}
