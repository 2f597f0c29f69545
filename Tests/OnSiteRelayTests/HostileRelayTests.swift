import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import OnSiteCore
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// Issue 8: what an enrolled but hostile device can send the relay. Each test reproduces a finding of the
/// adversarial run; the relay must answer with a clear error, change nothing it should not, and keep running.
@Suite("Hostile input: the relay")
struct HostileRelayTests {
    typealias Fixture = RelayRouteTests.Fixture

    static func actor(_ device: (id: String, token: String), _ role: Role, _ units: Set<String>) -> Actor {
        Actor(deviceId: device.id, role: role, units: units)
    }

    func hub(_ fixture: Fixture) -> Actor { Self.actor(fixture.hub, .hub, ["dien-bien"]) }
    func officer(_ fixture: Fixture) -> Actor { Self.actor(fixture.officer, .officer, ["phuong-muong-thanh"]) }
    func otherWard(_ fixture: Fixture) -> Actor { Self.actor(fixture.otherWard, .officer, ["phuong-him-lam"]) }

    /// Pushes through the relay's intake (decode, device check, validation, push), as the route does.
    @discardableResult
    func accept(_ changeSet: ChangeSet, by actor: Actor, on fixture: Fixture, limits: SyncLimits = SyncLimits(), now: Date = Date()) async throws -> PushResult {
        try await fixture.server.store.accept(try WireCoding.encode(changeSet), from: actor, limits: limits, now: now).1
    }

    func seed(_ fixture: Fixture, _ ids: [String] = ["mine"], commune: String = "phuong-muong-thanh") async throws {
        let reports = ids.map { fixture.report($0, commune: commune) }
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, reports.map { (.createReport($0), $0.id) }), by: hub(fixture), on: fixture)
    }

    func relayError(_ body: () async throws -> Void) async -> RelayError? {
        do {
            try await body()
            return nil
        } catch let error as RelayError {
            return error
        } catch {
            Issue.record("expected a RelayError, got \(error)")
            return nil
        }
    }

    // MARK: Crashes

    @Test("a sequence of Int64.max is refused; a store already holding one answers sequence_reused instead of trapping")
    func sequenceOverflow() async throws {
        let fixture = try await Fixture()
        try await seed(fixture)
        let note = Change.addNote(Note(author: "Lan", at: Date(), text: "n"))
        var huge = fixture.changeSet(from: fixture.officer.id, sequence: 2, [(note, "mine")])
        huge.sequence = .max
        let refused = await relayError { try await accept(huge, by: officer(fixture), on: fixture) }
        #expect(refused?.detail.code == .invalidChangeSet)
        // A store poisoned before the bound existed: the device's last sequence is Int64.max
        try await fixture.server.store.poisonLastSequence(of: fixture.officer.id)
        let next = fixture.changeSet(from: fixture.officer.id, sequence: 5, [(note, "mine")])
        let answer = await relayError { try await accept(next, by: officer(fixture), on: fixture) }
        #expect(answer?.detail.code == .sequenceReused)
        #expect(answer?.detail.message.contains("enrol it again") == true)
    }

    @Test("an add_note dated before year 1 is a 400 naming the key, and the relay keeps serving")
    func dateBeforeYearOne() async throws {
        let fixture = try await Fixture()
        try await seed(fixture)
        let valid = fixture.changeSet(from: fixture.officer.id, sequence: 2, [(.addNote(Note(author: "Lan", at: Date(), text: "n")), "mine")])
        var json = String(decoding: try WireCoding.encode(valid), as: UTF8.self)
        let at = try #require(json.range(of: #""at":"[^"]*""#, options: .regularExpression))
        json.replaceSubrange(at, with: #""at":"0000-01-01T00:00:00.000+01:00""#)
        let body = json
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.officer.token), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let error = try RelayRouteTests.decode(ErrorBody.self, response.body).error
                #expect(error.code == .malformedBody)
                #expect(error.message.contains(".at"))
            }
            try await client.execute(uri: "/healthz", method: .get) { response in #expect(response.status == .ok) }
        }
        #expect(try await fixture.server.store.serverVersion() == 1)
    }

    // MARK: Integrity

    @Test("a stamp far past the relay's clock is refused as stamp_in_future, so no field can be frozen")
    func stampsBoundedByRelayClock() async throws {
        let fixture = try await Fixture()
        try await seed(fixture)
        let now = Date()
        let millis = WireDate.millis(now)
        func title(_ text: String, at wall: Int64, sequence: Int64, device: (id: String, token: String)) -> ChangeSet {
            ChangeSet(deviceId: device.id, sequence: sequence, baseVersion: 0, operations: [
                SyncOperation(reportId: "mine", stamp: HybridTimestamp(wallMillis: wall, counter: 0, device: device.id), change: .setField(.title, .text(text))),
            ])
        }
        let year3000 = await relayError {
            try await accept(title("đóng băng", at: 32_503_679_999_999, sequence: 2, device: fixture.officer), by: officer(fixture), on: fixture, now: now)
        }
        #expect(year3000?.detail.code == .stampInFuture)
        #expect(year3000?.status == .unprocessableContent)
        // A stamp a minute ahead (a drifting clock) is accepted; a later honest write still wins over it later
        let ahead = try await accept(title("hơi sớm", at: millis + 60_000, sequence: 3, device: fixture.officer), by: officer(fixture), on: fixture, now: now)
        #expect(ahead.results.map(\.outcome) == [.applied])
        let later = try await accept(title("sau đó", at: millis + 120_000, sequence: 2, device: fixture.hub), by: hub(fixture), on: fixture, now: now.addingTimeInterval(120))
        #expect(later.results.map(\.outcome) == [.applied])
    }

    @Test("a claimed baseVersion is bounded by what the relay served the device: an overwrite is kept as a conflict")
    func baseVersionBoundedByServed() async throws {
        let fixture = try await Fixture()
        try await seed(fixture)
        let store = fixture.server.store
        // The hub edits the title; the officer pulled only the creation (version 1)
        _ = try await store.pull(since: 0, limit: 500, for: officer(fixture))
        #expect(try await store.servedVersion(of: fixture.officer.id) == 1)
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, [(.setField(.title, .text("Tiêu đề của IOC")), "mine")]), by: hub(fixture), on: fixture)
        // The officer claims to have seen version 10^12 and overwrites the title
        var claim = fixture.changeSet(from: fixture.officer.id, sequence: 3, [(.setField(.title, .text("Tiêu đề của cán bộ")), "mine")])
        claim.baseVersion = 1_000_000_000_000
        let result = try await accept(claim, by: officer(fixture), on: fixture)
        #expect(result.results.map(\.outcome) == [.applied])
        // The hub's value is kept as a conflict: the accepted write did not vanish
        let page = try await store.pull(since: 0, limit: 500, for: hub(fixture))
        let conflicts = page.snapshots.flatMap(\.conflicts)
        #expect(conflicts.map(\.lost.value) == [.text("Tiêu đề của IOC")])
        // And a pull from a cursor past the newest version serves nothing past it
        _ = try await store.pull(since: .max, limit: 500, for: otherWard(fixture))
        #expect(try await store.servedVersion(of: fixture.otherWard.id) == (try await store.serverVersion()))
    }

    @Test("evidence after an eviction needs a base the relay really served: a claimed one does not open the report")
    func evidenceAfterEvictionNeedsARealBase() async throws {
        let fixture = try await Fixture()
        try await seed(fixture)
        // The hub moves the report to Him Lam before the officer ever pulled it
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, [(.setField(.assignedUnit, .text("phuong-him-lam")), "mine")]), by: hub(fixture), on: fixture)
        // The officer claims it had pulled version 1, when the report was in its ward
        var claim = fixture.changeSet(from: fixture.officer.id, sequence: 2, [(.addNote(Note(author: "Lan", at: Date(), text: "ghi chú")), "mine")])
        claim.baseVersion = 1
        let result = try await accept(claim, by: officer(fixture), on: fixture)
        #expect(result.results.map(\.outcome) == [.rejected])
        #expect(result.results.first?.reason?.code == .outOfScope)
        // Once the relay has served it version 1, the same kind of evidence is delivered
        _ = try await fixture.server.store.pull(since: 0, limit: 1, for: officer(fixture))
        #expect(try await fixture.server.store.servedVersion(of: fixture.officer.id) >= 1)
        var honest = fixture.changeSet(from: fixture.officer.id, sequence: 3, [(.addNote(Note(author: "Lan", at: Date(), text: "ghi chú")), "mine")])
        honest.baseVersion = 1
        #expect(try await accept(honest, by: officer(fixture), on: fixture).results.map(\.outcome) == [.applied])
    }

    @Test("refusals about reports outside the device's scope name only the id it sent: no code, status or unit")
    func refusalsSayNoMore() async throws {
        let fixture = try await Fixture()
        try await seed(fixture, ["mine", "theirs"], commune: "phuong-muong-thanh")
        let store = fixture.server.store
        _ = try await store.pull(since: 0, limit: 500, for: officer(fixture))
        // The hub moves "theirs" to Him Lam; the officer, offline, had accepted it
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, [(.setField(.assignedUnit, .text("phuong-him-lam")), "theirs")]), by: hub(fixture), on: fixture)
        let step = Transition(action: .accept, expected: .forwarded, role: .officer, actor: "Lan", at: Date())
        var offline = fixture.changeSet(from: fixture.officer.id, sequence: 2, [(.transition(step), "theirs")])
        offline.baseVersion = 2
        let moved = try await accept(offline, by: officer(fixture), on: fixture).results[0]
        #expect(moved.reason?.code == .reportMoved)
        let message = moved.reason?.message ?? ""
        #expect(!message.contains("phuong-him-lam") && !message.contains("THEIRS") && !message.contains("forwarded"))
        // A device that never saw a report, and one asking about an id that does not exist, read the same words
        let never = try await accept(fixture.changeSet(from: fixture.otherWard.id, sequence: 1, [(.addNote(Note(author: "Tuấn", at: Date(), text: "n")), "mine")]), by: otherWard(fixture), on: fixture).results[0]
        let missing = try await accept(fixture.changeSet(from: fixture.otherWard.id, sequence: 2, [(.addNote(Note(author: "Tuấn", at: Date(), text: "n")), "nothing")]), by: otherWard(fixture), on: fixture).results[0]
        #expect(never.reason?.code == .outOfScope && missing.reason?.code == .outOfScope)
        #expect(never.reason?.message.replacingOccurrences(of: "mine", with: "nothing") == missing.reason?.message)
        #expect(!(never.reason?.message.contains("MINE") ?? true))
    }

    // MARK: Costs

    @Test("a report stops growing at maxRecordBytes: record_too_large, the rest of the change set applies")
    func recordByteBound() async throws {
        var limits = SyncLimits()
        limits.maxRecordBytes = 64 * 1024
        let fixture = try await Fixture(limits: limits)
        try await seed(fixture)
        let text = String(repeating: "Ghi chú dài. ", count: 1_000)   // about 14 KB a note
        let notes: [(Change, String)] = (0..<8).map { _ in (.addNote(Note(author: "Lan", at: Date(), text: text)), "mine") }
        let result = try await accept(fixture.changeSet(from: fixture.officer.id, sequence: 2, notes), by: officer(fixture), on: fixture, limits: limits)
        let outcomes = result.results.map(\.outcome)
        #expect(outcomes.prefix(4).allSatisfy { $0 == .applied })
        #expect(outcomes.last == .rejected)
        #expect(result.results.last?.reason?.code == .recordTooLarge)
        let stored = try await fixture.server.store.recordSize("mine")
        #expect(stored <= limits.maxRecordBytes)
    }

    @Test("pull pages are bounded in bytes, and paging by bytes loses and repeats nothing")
    func pageByteBound() async throws {
        let fixture = try await Fixture()
        try await seed(fixture)
        let text = String(repeating: "x", count: 10_000)
        for sequence in 2...6 {
            let notes: [(Change, String)] = (0..<10).map { _ in (.addNote(Note(author: "Lan", at: Date(), text: text)), "mine") }
            try await accept(fixture.changeSet(from: fixture.officer.id, sequence: Int64(sequence), notes), by: officer(fixture), on: fixture)
        }
        let store = fixture.server.store
        // The officer's first pull was a snapshot of the one report at version 1; the notes come as entries.
        var cursor: Int64 = 1
        var versions: [Int64] = []
        var pages = 0
        while true {
            let page = try await store.pull(since: cursor, limit: 5_000, for: officer(fixture), maxPageBytes: 64 * 1024)
            let bytes = try page.changes.reduce(0) { $0 + (try WireCoding.encode($1.operation)).count }
            #expect(bytes <= 64 * 1024 || page.changes.count == 1)
            versions += page.changes.map(\.version)
            cursor = page.nextCursor
            pages += 1
            if !page.hasMore || pages > 100 { break }
        }
        #expect(versions == Array(2...51))
        #expect(pages >= 8)
    }

    @Test("backfill snapshots are paged by bytes too: a thousand-report reassignment arrives whole over several pages")
    func snapshotPaging() async throws {
        let fixture = try await Fixture()
        let ids = (1...60).map { "r\($0)" }
        try await seed(fixture, ids, commune: "phuong-him-lam")
        let store = fixture.server.store
        let first = try await store.pull(since: 0, limit: 5_000, for: officer(fixture))
        #expect(first.changes.isEmpty)
        let moves: [(Change, String)] = ids.map { (.setField(.assignedUnit, .text("phuong-muong-thanh")), $0) }
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, moves), by: hub(fixture), on: fixture)
        var cursor = first.nextCursor
        var snapshots: [String] = []
        var entries = 0
        var pages = 0
        while true {
            let page = try await store.pull(since: cursor, limit: 5_000, for: officer(fixture), maxPageBytes: 8 * 1024)
            snapshots += page.snapshots.map(\.id)
            entries += page.changes.count
            #expect(page.nextCursor >= cursor)
            cursor = page.nextCursor
            pages += 1
            if !page.hasMore || pages > 500 { break }
        }
        #expect(Set(snapshots) == Set(ids))
        #expect(pages > 5)
        #expect(cursor == 120)
    }
}

extension RelayStore {
    /// Test-only: leaves the device's last accepted change set at sequence Int64.max, as a relay without the
    /// bound could have stored it.
    func poisonLastSequence(of deviceId: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO changeSet (id, deviceId, sequence, receivedAt, result) VALUES (?, ?, ?, ?, ?)",
                           arguments: [UUID().uuidString, deviceId, Int64.max, Date(), Data("{}".utf8)])
        }
    }

    /// Test-only: the stored size of a report's merged state, in bytes.
    func recordSize(_ id: String) async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT length(state) FROM report WHERE id = ?", arguments: [id]) ?? 0 }
    }
}
