import Foundation
import GRDB
@testable import OnSiteClient
import Testing

/// A note or a verification recorded on a device survives a power cut once `onsite` said it was saved: the
/// replica's writer keeps SQLite's `synchronous = FULL`, which GRDB turns to `NORMAL` when it opens a WAL pool.
@Suite("Replica durability")
struct ReplicaDurabilityTests {
    @Test("a replica opened from its folder writes with synchronous = FULL")
    func replicaSyncsEveryCommit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replica-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let replica = try Replica(directory: folder)
        let mode = try replica.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(mode == 2)
    }
}
