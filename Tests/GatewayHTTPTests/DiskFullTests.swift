import Foundation
import HTTPTypes
import EmbeddedSQLite
import HummingbirdTesting
import Testing
import TestSupport

@testable import Persistence

/// A database that cannot grow (SQLite's `max_page_count` set to the file's size, which fails writes with the same
/// "database or disk is full" a full disk gives): submissions are 503 `store_unavailable` with `Retry-After`, never a
/// 500; readiness fails; and both recover by themselves once there is room again.
@Suite struct DiskFullTests {
    private func body(_ index: Int) -> String {
        #"{"regulation":"gdpr","type":"erasure","subjectId":"disk-full-\#(index)-"# + String(repeating: "x", count: 200)
            + #""}"#
    }

    @Test func aFullDiskIs503WithRetryAfterAndHealsWhenSpaceReturns() async throws {
        try await RouterHarness.with { harness, client in
            let pages = try #require(
                try await harness.store.rows("PRAGMA page_count").first?.column("page_count")?.integer)
            _ = try await harness.store.rows("PRAGMA max_page_count = \(pages)")
            var refused: TestResponse?
            for index in 0..<500 {
                let response = try await client.submit(body(index))
                if response.status != .accepted {
                    refused = response
                    break
                }
            }
            let full = try #require(refused)
            #expect(full.status == .serviceUnavailable)
            #expect(try APIErrorBody(full).code == "store_unavailable")
            #expect(full.headers[.retryAfter] != nil)
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)

            _ = try await harness.store.rows("PRAGMA max_page_count = 1073741823")
            #expect(try await client.submit(body(1000)).status == .accepted)
            #expect(try await client.execute(uri: "/health/ready", method: .get).status == .ok)
        }
    }
}
