import Foundation
import Persistence
import Testing

/// What every engine promises `dsr-gateway callback refused`: the newest refused callbacks are kept up to the limit,
/// newest first, each exactly as it arrived (the body byte for byte, absent headers absent).
@Suite("RefusedCallbackStore contract: bounded, newest first, byte-exact")
struct RefusedCallbackStoreContractTests {
    static let t0 = Date(timeIntervalSinceReferenceDate: 800_000_000.123_456)

    /// The `index`th refusal: every other one unsigned and without a domain; bodies that are not UTF-8.
    static func refusal(_ index: Int) -> RefusedCallback {
        let signed = index.isMultiple(of: 2)
        return RefusedCallback(
            at: t0.addingTimeInterval(Double(index) / 3), reason: signed ? "signatureMismatch" : "missing_signature",
            detail: "refusal \(index)", claimedId: index == 0 ? "invalid" : UUID().uuidString.lowercased(),
            domain: signed ? "opendsr.mparticle.com" : nil, signature: signed ? "c2lnbmF0dXJl\(index)==" : nil,
            body: Array(#"{"subject_request_id":"\#(index)"}"#.utf8) + [0xFF, 0x00, 0xC3, 0x28, UInt8(index)],
            remoteAddress: index.isMultiple(of: 3) ? nil : "192.0.2.\(index)")
    }

    @Test(arguments: StoreEngine.allCases)
    func keepingMoreThanTheLimitLeavesTheNewestNewestFirstAsSent(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            #expect(try await store.refusedCallbacks(limit: 10).isEmpty)
            let limit = 4
            let sent = (0..<(limit + 3)).map(Self.refusal)
            for callback in sent { try await store.keepRefusedCallback(callback, keeping: limit) }

            let kept = try await store.refusedCallbacks(limit: 100)
            #expect(kept.count == limit)
            // Newest first, with ids the store gave in order.
            #expect(kept.map(\.id) == kept.map(\.id).sorted(by: >))
            #expect(Set(kept.map(\.id)).count == limit)
            for (stored, expected) in zip(kept, sent.suffix(limit).reversed()) {
                var expected = expected
                expected.id = stored.id
                #expect(stored == expected)
            }
            // Unsigned ones read back without domain or signature; the bytes that are not UTF-8 are there.
            let unsigned = try #require(kept.first { $0.signature == nil })
            #expect(unsigned.domain == nil)
            #expect(unsigned.body.suffix(5).prefix(4) == [0xFF, 0x00, 0xC3, 0x28])
            // A smaller read gives the newest.
            #expect(try await store.refusedCallbacks(limit: 2).map(\.id) == Array(kept.map(\.id).prefix(2)))
            #expect(try await store.refusedCallbacks(limit: 0).isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func anEmptyBodyReadsBackEmptyAndIdsAreNeverReused(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            var empty = Self.refusal(1)
            empty.body = []
            try await store.keepRefusedCallback(Self.refusal(0), keeping: 1)
            let first = try #require(try await store.refusedCallbacks(limit: 10).first)
            try await store.keepRefusedCallback(empty, keeping: 1)
            let kept = try await store.refusedCallbacks(limit: 10)
            #expect(kept.count == 1)
            #expect(kept.first?.body == [])
            #expect(kept.first?.reason == "missing_signature")
            // The deleted row's id is not given again.
            #expect((kept.first?.id ?? 0) > first.id)
            // Keeping none empties the table.
            try await store.keepRefusedCallback(Self.refusal(2), keeping: 0)
            #expect(try await store.refusedCallbacks(limit: 10).isEmpty)
        }
    }
}
