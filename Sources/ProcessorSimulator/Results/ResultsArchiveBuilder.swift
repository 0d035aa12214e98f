import DSRCore
import Foundation
import ZIPFoundation

/// Builds the access/portability results archive in memory: a zip of JSON Lines files (docs/upstream-apis.md,
/// "Lifecycle and timing").
///
/// A matched profile gives `profile.jsonl` (one line) and `event_batches.jsonl` (three batches); a profile without
/// data gives only `empty.txt`. Contents are derived from the identities and times only, so they are reproducible.
enum ResultsArchiveBuilder {
    /// The zip bytes for `profile`, matched from `identities` of a request received at `receivedAt`.
    static func archive(
        identities: [String: String], profile: SubjectDataRule.MatchedProfile, receivedAt: Date
    ) throws -> Data {
        let archive = try Archive(accessMode: .create)
        guard profile.hasData else {
            let text = Data("MPIDs were found for this request but they hold no data.\n".utf8)
            try add("empty.txt", text, modified: receivedAt, to: archive)
            return try bytes(of: archive)
        }
        let created = Self.milliseconds(receivedAt.addingTimeInterval(-400 * 86_400))
        let userIdentities = Dictionary(
            uniqueKeysWithValues: identities.map { (IdentityCatalog.mParticleName(of: $0.key), $0.value) })
        let line = ProfileLine(
            mpid: profile.mpid, createdTimestampUnixtimeMs: created, userIdentities: userIdentities,
            userAttributes: ["$Country": "GB", "membership_tier": "supporter"])
        try add("profile.jsonl", try jsonLines([line]), modified: receivedAt, to: archive)
        let batches = (1...3).map { day in
            let time = Self.milliseconds(receivedAt.addingTimeInterval(TimeInterval(-day) * 86_400))
            return BatchLine(
                mpid: profile.mpid, batchId: "\(profile.mpid)-\(day)", timestampUnixtimeMs: time,
                events: [.init(eventType: "custom_event", data: .init(eventName: "article_view", timestamp: time))])
        }
        try add("event_batches.jsonl", try jsonLines(batches), modified: receivedAt, to: archive)
        return try bytes(of: archive)
    }

    private static func bytes(of archive: Archive) throws -> Data {
        guard let data = archive.data else { throw Archive.ArchiveError.unwritableArchive }
        return data
    }

    private static func add(_ path: String, _ content: Data, modified: Date, to archive: Archive) throws {
        try archive.addEntry(
            with: path, type: .file, uncompressedSize: Int64(content.count), modificationDate: modified,
            compressionMethod: .deflate
        ) { position, size in
            content.subdata(in: Int(position)..<Int(position) + size)
        }
    }

    private static func jsonLines(_ values: [some Encodable]) throws -> Data {
        let encoder = JSONCoding.encoder()
        return try values.reduce(into: Data()) { data, value in
            data.append(try encoder.encode(value))
            data.append(UInt8(ascii: "\n"))
        }
    }

    private static func milliseconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }

    private struct ProfileLine: Encodable {
        let mpid: Int64
        let createdTimestampUnixtimeMs: Int64
        let userIdentities: [String: String]
        let userAttributes: [String: String]

        enum CodingKeys: String, CodingKey {
            case mpid
            case createdTimestampUnixtimeMs = "created_timestamp_unixtime_ms"
            case userIdentities = "user_identities"
            case userAttributes = "user_attributes"
        }
    }

    private struct BatchLine: Encodable {
        let mpid: Int64
        let batchId: String
        let timestampUnixtimeMs: Int64
        let events: [Event]

        enum CodingKeys: String, CodingKey {
            case mpid, events
            case batchId = "batch_id"
            case timestampUnixtimeMs = "timestamp_unixtime_ms"
        }

        struct Event: Encodable {
            let eventType: String
            let data: EventData

            enum CodingKeys: String, CodingKey {
                case data
                case eventType = "event_type"
            }
        }

        struct EventData: Encodable {
            let eventName: String
            let timestamp: Int64

            enum CodingKeys: String, CodingKey {
                case eventName = "event_name"
                case timestamp = "timestamp_unixtime_ms"
            }
        }
    }
}
