import Foundation
import GRDB
@testable import OnSiteRelay
import OnSiteStorage
import Testing

/// A commit that returned survives a power cut: the relay's store and a device's replica keep SQLite's
/// `synchronous = FULL` on their writer, which GRDB turns to `NORMAL` when it opens a WAL pool.
@Suite("Durable commits")
struct DurableCommitTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func synchronous(_ writer: any DatabaseWriter) throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    @Test("GRDB's WAL pool alone commits with synchronous = NORMAL; DurableDatabase.pool keeps FULL")
    func poolKeepsFull() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = try DatabasePool(path: folder.appendingPathComponent("plain.sqlite").path, configuration: DurableDatabase.configuration)
        #expect(try Self.synchronous(plain) == 1, "GRDB's behaviour changed: DurableDatabase.pool may no longer be needed")
        let durable = try DurableDatabase.pool(path: folder.appendingPathComponent("durable.sqlite").path)
        #expect(try Self.synchronous(durable) == 2)
    }

    @Test("the relay's SQLite store writes with synchronous = FULL (a device's replica: ReplicaDurabilityTests)")
    func relayStoreSyncsEveryCommit() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try RelayStore(path: folder.appendingPathComponent("relay.sqlite").path)
        #expect(try Self.synchronous(store.writer) == 2)
    }
}
