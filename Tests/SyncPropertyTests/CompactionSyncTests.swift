import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import OnSiteTesting
import Testing

@Suite("Snapshots and log retention: replicas")
struct CompactionSyncTests {
    func report(_ id: String, in ward: String, at date: Date) -> Report {
        Report(id: id, code: id.uppercased(), title: "Phản ánh \(id)", description: "", category: "moi-truong", location: nil,
               address: "Tổ 1", area: AdministrativeArea(province: World.province, district: World.district, commune: ward),
               reporter: Reporter(name: "Người dân", phone: "0912"), receivedAt: date, status: .forwarded, assignedUnit: ward)
    }

    @Test("An officer offline across a compaction delivers its work, then gets a snapshot: moved reports leave, new ones arrive")
    func offlineAcrossCompaction() async throws {
        // Given three reports, two in Lan's ward, and everyone in sync
        var world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0], lan = world.devices[1]
        for (id, ward) in [("r-a", World.wards[0]), ("r-b", World.wards[0]), ("r-c", World.wards[1])] {
            try await hub.replica.record(.createReport(report(id, in: ward, at: world.time.now)), on: id)
        }
        for device in world.devices { try await device.sync() }
        #expect(try await lan.replica.allRecords().map(\.id) == ["r-a", "r-b"])

        // When Lan works offline for a week while the hub moves r-b away, writes on r-a, files r-d, and the relay folds its log
        world.time.advance()
        try await lan.replica.record(.addVerification(Verification(reportId: "r-a", officer: "lan", visitedAt: world.time.now, position: nil,
                                                                   finding: .confirmed, notes: "Đã kiểm tra")), on: "r-a")
        try await lan.replica.record(.addNote(Note(author: "lan", at: world.time.now, text: "Ghi chú trên r-b")), on: "r-b")
        world.time.advance()
        try await hub.replica.record(.setField(.assignedUnit, .text(World.wards[1])), on: "r-b")
        try await hub.replica.record(.addNote(Note(author: "hub", at: world.time.now, text: "Đã nhắc phường")), on: "r-a")
        try await hub.replica.record(.createReport(report("r-d", in: World.wards[0], at: world.time.now)), on: "r-d")
        try await hub.sync()
        let lanCursor = try await lan.replica.status().cursor
        try await world.compact(through: try await world.store.serverVersion())
        #expect(try await world.store.compactedThrough() > lanCursor)

        // Then Lan's sync delivers both writes (the note on r-b was made while it was hers) and pulls a snapshot
        let sync = try await lan.sync()
        #expect(sync.rejected.isEmpty)
        #expect(sync.operationsApplied == 2)
        #expect(sync.recordsPulled == 2 && sync.entriesPulled == 0)
        #expect(try await lan.replica.status().pendingOperations == 0)
        let records = try await lan.replica.allRecords()
        #expect(records.map(\.id) == ["r-a", "r-d"])
        #expect(records.first?.notes.map(\.text) == ["Đã nhắc phường"])
        #expect(records.first?.verifications.map(\.notes) == ["Đã kiểm tra"])
        #expect(records == (try await world.relayState(for: lan)))
        // And the hub sees Lan's note on the report it moved
        try await hub.sync()
        let moved = try #require(try await hub.replica.allRecords().first { $0.id == "r-b" })
        #expect(moved.notes.map(\.text) == ["Ghi chú trên r-b"])
    }

    @Test("A snapshot paged while others write, then changes since it, equals a fresh replica; a step is never applied twice")
    func snapshotWhileOthersWrite() async throws {
        var world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0]
        let ids = (10..<40).map { "r\($0)" }
        for id in ids { try await hub.replica.record(.createReport(report(id, in: World.wards[0], at: world.time.now)), on: id) }
        try await hub.sync()
        let late = try await world.makeDevice(name: "lan-2", role: .officer, units: [World.wards[0]], skew: 0)
        // The late officer pulls the snapshot a page at a time; between pages the hub writes, steps and moves reports
        var counters = WireCounters()
        var pages = 0
        while pages < 100 {
            let status = try await late.replica.status()
            let request = PullRequest(since: status.cursor, limit: 4, snapshot: try await late.replica.snapshotInProgress())
            let page = try await late.relay.pull(request, pending: 0, counters: &counters)
            try await late.replica.apply(page)
            pages += 1
            world.time.advance()
            let target = ids[(pages * 7) % ids.count]
            try await hub.replica.record(.addNote(Note(author: "hub", at: world.time.now, text: "Trang \(pages)")), on: target)
            if pages % 3 == 0 {
                // A workflow step the hub may take now (replayed in log order: applying one twice would show)
                let record = try #require(try await hub.replica.allRecords().first { $0.id == target })
                if let kind = WorkflowAction.Kind.allowed(from: record.report.status, for: .hub).first {
                    var random = SeededGenerator(seed: UInt64(pages))
                    let action = Schedule.action(kind, step: pages, at: world.time.now, random: &random)
                    try await hub.replica.record(.transition(Transition(action: action, expected: record.report.status,
                                                                        role: .hub, actor: "hub", at: world.time.now)), on: target)
                }
            }
            if pages % 4 == 0 { try await hub.replica.record(.setField(.assignedUnit, .text(World.wards[1])), on: ids[pages]) }
            try await hub.sync()
            if !page.hasMore { break }
        }
        try await late.sync()
        #expect(try await late.replica.snapshotInProgress() == nil)
        #expect(try await late.replica.allRecords() == (try await world.relayState(for: late)))
    }
}
