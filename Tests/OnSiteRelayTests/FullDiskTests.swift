import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import OnSiteCore
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// A relay whose database cannot grow answers 507 with a sentence, stores nothing, and keeps serving pulls.
///
/// SQLite's own limit stands in for the disk: with `max_page_count` at the file's current size, a write that
/// needs a new page fails with `SQLITE_FULL`, as on a full disk.
@Suite("Relay on a full disk")
struct FullDiskTests {
    @Test("A push that needs space answers 507 insufficient_storage; the version does not move; pulls still work")
    func fullDisk() async throws {
        let fixture = try await RelayRouteTests.Fixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let seed = fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("r1", commune: "phuong-muong-thanh")), "r1")])
            try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.hub.token), body: try RelayRouteTests.body(seed)) {
                #expect($0.status == .ok)
            }
            let before = try await fixture.server.store.serverVersion()
            try await fixture.server.store.writer.write { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            }
            var big = fixture.report("r2", commune: "phuong-muong-thanh")
            big.description = String(repeating: "Mặt đường hư hỏng nặng. ", count: 600)
            let push = fixture.changeSet(from: fixture.hub.id, sequence: 2, [(.createReport(big), "r2")])
            try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.hub.token), body: try RelayRouteTests.body(push)) { response in
                #expect(response.status.code == 507)
                let error = try RelayRouteTests.decode(ErrorBody.self, response.body)
                #expect(error.error.code == .insufficientStorage)
                #expect(error.error.message.contains("disk is full") && error.error.message.contains("kept on the device"))
            }
            #expect(try await fixture.server.store.serverVersion() == before)
            try await client.execute(uri: "/v1/changes?since=0", method: .get, headers: RelayRouteTests.headers(fixture.officer.token)) { response in
                #expect(response.status == .ok)
                let page = try RelayRouteTests.decode(PullPage.self, response.body)
                #expect(page.snapshots.map(\.id) == ["r1"])
            }
        }
    }
}
