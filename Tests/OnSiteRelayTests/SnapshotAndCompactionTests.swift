import Foundation
import Hummingbird
import HummingbirdTesting
import OnSiteCore
import OnSiteCrypto
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// Issue 10: snapshot pulls and log retention on the relay's side. The client's side (snapshots applied,
/// incremental pulls after them, devices offline across a compaction) is in the sync property tests.
@Suite("Snapshot pulls and log compaction: the relay")
struct SnapshotAndCompactionTests {
    typealias Fixture = RelayRouteTests.Fixture

    func hub(_ fixture: Fixture) -> Actor { Actor(deviceId: fixture.hub.id, role: .hub, units: ["dien-bien"]) }
    func officer(_ fixture: Fixture) -> Actor { Actor(deviceId: fixture.officer.id, role: .officer, units: ["phuong-muong-thanh"]) }

    @discardableResult
    func accept(_ changeSet: ChangeSet, by actor: Actor, on fixture: Fixture) async throws -> PushResult {
        try await fixture.server.store.accept(try WireCoding.encode(changeSet), from: actor, limits: SyncLimits()).1
    }

    /// Pulls until the relay has nothing more, continuing snapshots; returns the pages.
    func pullAll(_ store: RelayStore, as actor: Actor, from cursor: Int64, limit: Int = 7) async throws -> (pages: [PullPage], cursor: Int64) {
        var cursor = cursor
        var snapshot: SnapshotPosition?
        var pages: [PullPage] = []
        while pages.count < 1_000 {
            let page = try await store.pull(PullRequest(since: cursor, limit: limit, snapshot: snapshot), for: actor)
            pages.append(page)
            snapshot = page.snapshot
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
        return (pages, cursor)
    }

    @Test("a first pull serves each visible report once, whole, in id order, and hands the cursor only at the end")
    func firstPullIsASnapshot() async throws {
        let fixture = try await Fixture()
        let ids = (10..<40).map { "r\($0)" }
        let reports = ids.enumerated().map { index, id in fixture.report(id, commune: index % 3 == 0 ? "phuong-him-lam" : "phuong-muong-thanh") }
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, reports.map { (.createReport($0), $0.id) }), by: hub(fixture), on: fixture)
        let notes: [(Change, String)] = ids.map { (.addNote(Note(author: "IOC", at: Date(), text: "Đã chuyển")), $0) }
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, notes), by: hub(fixture), on: fixture)
        let store = fixture.server.store
        let (pages, cursor) = try await pullAll(store, as: officer(fixture), from: 0)
        let served = pages.flatMap(\.snapshots)
        let visible = reports.filter { $0.assignedUnit == "phuong-muong-thanh" }.map(\.id)
        #expect(served.map(\.id) == visible)
        #expect(served.allSatisfy { $0.notes.count == 1 })
        #expect(pages.allSatisfy { $0.changes.isEmpty })
        #expect(pages.dropLast().allSatisfy { $0.nextCursor == 0 && $0.snapshot?.isComplete == false })
        #expect(cursor == 60)
        #expect(try await store.servedVersion(of: fixture.officer.id) == 60)
    }

    @Test("writes made while a snapshot is paged arrive after it as changes since its version; a report that left is evicted")
    func snapshotUnderConcurrentWrites() async throws {
        let fixture = try await Fixture()
        let ids = (10..<30).map { "r\($0)" }
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, ids.map { (.createReport(fixture.report($0, commune: "phuong-muong-thanh")), $0) }), by: hub(fixture), on: fixture)
        let store = fixture.server.store
        let first = try await store.pull(PullRequest(since: 0, limit: 5), for: officer(fixture))
        let position = try #require(first.snapshot)
        #expect(position == SnapshotPosition(version: 20, after: "r14", isComplete: false))
        // Meanwhile: a note on a report already served, one on a report still to come, a new report, and r29 moves away
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, [
            (.addNote(Note(author: "IOC", at: Date(), text: "sau r10")), "r10"),
            (.addNote(Note(author: "IOC", at: Date(), text: "sau r20")), "r20"),
            (.createReport(fixture.report("r05", commune: "phuong-muong-thanh")), "r05"),
            (.setField(.assignedUnit, .text("phuong-him-lam")), "r29"),
        ]), by: hub(fixture), on: fixture)
        let (rest, cursor) = try await pullAll(store, as: officer(fixture), from: 0, limit: 5)
        // The snapshot went on from r14 (the continuation is the device's: pullAll starts without it, so it restarts)
        #expect(rest.first?.snapshot?.version == 24)
        #expect(cursor == 24)
        // Continuing the first snapshot instead: it finishes at its own version, and the changes since it follow
        var pages: [PullPage] = []
        var request = PullRequest(since: 0, limit: 5, snapshot: position)
        while pages.count < 50 {
            let page = try await store.pull(request, for: officer(fixture))
            pages.append(page)
            request = PullRequest(since: page.nextCursor, limit: 5, snapshot: page.snapshot)
            if !page.hasMore { break }
        }
        let served = pages.flatMap(\.snapshots).map(\.id)
        #expect(served == (15..<30).map { "r\($0)" }.filter { $0 != "r29" })
        #expect(pages.first { $0.snapshot?.isComplete == true }?.nextCursor == 20)
        let changes = pages.flatMap(\.changes).map(\.operation.reportId)
        #expect(Set(changes) == ["r10", "r20", "r05"])
        #expect(pages.flatMap(\.evictions) == ["r29"])
        #expect(pages.last?.nextCursor == 24)
    }

    @Test("compaction folds old entries: a resent operation is still a duplicate, an old base still keeps a conflict")
    func compactionKeepsWhatTheLogMeant() async throws {
        let fixture = try await Fixture()
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("mine", commune: "phuong-muong-thanh")), "mine")]), by: hub(fixture), on: fixture)
        let store = fixture.server.store
        _ = try await pullAll(store, as: officer(fixture), from: 0)
        let note = fixture.changeSet(from: fixture.officer.id, sequence: 1, [(.addNote(Note(author: "Lan", at: Date(), text: "Đã đến")), "mine")])
        try await accept(note, by: officer(fixture), on: fixture)
        // The hub edits the title at version 3; then everything is folded
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, [(.setField(.title, .text("Của IOC")), "mine")]), by: hub(fixture), on: fixture)
        let summary = try await store.compact(through: 3)
        #expect(summary == CompactionSummary(compactedThrough: 3, entriesRemoved: 3))
        #expect(try await store.logEntries(after: 0, limit: 100).isEmpty)
        #expect(try await store.serverVersion() == 3)
        // The same note in a new change set (a lost answer, re-sent) is a duplicate, not a second note
        var again = note
        again.id = UUID()
        again.sequence = 2
        #expect(try await accept(again, by: officer(fixture), on: fixture).results.map(\.outcome) == [.duplicate])
        // The officer, who pulled only version 1, overwrites the title: the hub's value is kept as a conflict
        var stale = fixture.changeSet(from: fixture.officer.id, sequence: 3, [(.setField(.title, .text("Của cán bộ")), "mine")])
        stale.baseVersion = 1
        try await accept(stale, by: officer(fixture), on: fixture)
        let page = try await store.pull(since: 0, limit: 10, for: hub(fixture))
        let record = try #require(page.snapshots.first)
        #expect(record.notes.count == 1)
        #expect(record.conflicts.map(\.lost.value) == [.text("Của IOC")])
    }

    @Test("a device whose cursor is behind the compacted log gets a snapshot; a snapshot overtaken by compaction restarts")
    func behindTheWindow() async throws {
        let fixture = try await Fixture()
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, (1...6).map { (.createReport(fixture.report("r\($0)", commune: "phuong-muong-thanh")), "r\($0)") }), by: hub(fixture), on: fixture)
        let store = fixture.server.store
        let first = try await store.pull(PullRequest(since: 0, limit: 2), for: officer(fixture))
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, [(.addNote(Note(author: "IOC", at: Date(), text: "n")), "r1")]), by: hub(fixture), on: fixture)
        try await store.compact(through: 7)
        // The snapshot begun at version 6 cannot end with changes since 6: it starts again at 7
        let restarted = try await store.pull(PullRequest(since: 0, limit: 2, snapshot: first.snapshot), for: officer(fixture))
        #expect(restarted.snapshot == SnapshotPosition(version: 7, after: "r2", isComplete: false))
        // A device at cursor 4 (behind 7) gets a snapshot, not the changes it would miss
        let behind = try await store.pull(PullRequest(since: 4, limit: 100), for: officer(fixture))
        #expect(behind.snapshot?.isComplete == true)
        #expect(behind.snapshots.count == 6 && behind.nextCursor == 7)
        // At the window's edge, changes as usual
        let current = try await store.pull(PullRequest(since: 7, limit: 100), for: officer(fixture))
        #expect(current.snapshot == nil && current.changes.isEmpty && current.nextCursor == 7)
    }

    @Test("the blob access rules outlive the log: an attachment compacted away still lets its upload make the photo available")
    func blobRulesAfterCompaction() async throws {
        let fixture = try await Fixture()
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("mine", commune: "phuong-muong-thanh")), "mine")]), by: hub(fixture), on: fixture)
        let bytes = Data(repeating: 0xAB, count: 4_096)
        let sha256 = SHA256.hash(bytes).hex
        let attachment = Attachment(reportId: "mine", sha256: sha256, byteCount: 4_096, contentType: "image/jpeg", fileName: "a.jpg",
                                    addedBy: "Lan", addedAt: Date())
        try await accept(fixture.changeSet(from: fixture.officer.id, sequence: 1, [(.addAttachment(attachment), "mine")]), by: officer(fixture), on: fixture)
        let store = fixture.server.store
        try await store.compact(through: 2)
        let path = store.blobs.blobPath(sha256)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try await store.blobAccess(sha256, for: officer(fixture)).isReferenced)
        let appended = try await store.blobUploaded(sha256, by: fixture.officer.id, byteCount: 4_096)
        #expect(appended == [3])
        #expect(try await store.blobAccess(sha256, for: hub(fixture)).isGranted)
    }

    @Test("snapshot query parameters from a hostile device: clear 400s, and a version past the newest is not believed")
    func hostileSnapshotParameters() async throws {
        let fixture = try await Fixture()
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("mine", commune: "phuong-muong-thanh")), "mine")]), by: hub(fixture), on: fixture)
        try await fixture.server.makeApplication().test(.router) { client in
            for query in ["snapshot=-1", "snapshot=abc", "snapshot=1&after=a%20b", "snapshot=1&after=\(String(repeating: "a", count: 500))", "after=r1"] {
                try await client.execute(uri: "/v1/changes?since=0&\(query)", method: .get, headers: RelayRouteTests.headers(fixture.officer.token)) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    let body = try RelayRouteTests.decode(ErrorBody.self, response.body)
                    #expect(body.error.code == .invalidQuery, "\(query)")
                }
            }
            let page = try await client.execute(uri: "/v1/changes?since=0&snapshot=999999", method: .get, headers: RelayRouteTests.headers(fixture.officer.token)) {
                try RelayRouteTests.decode(PullPage.self, $0.body)
            }
            #expect(page.snapshot == SnapshotPosition(version: 1, after: "mine", isComplete: true))
            #expect(page.nextCursor == 1)
        }
        #expect(try await fixture.server.store.servedVersion(of: fixture.officer.id) == 1)
    }
}
