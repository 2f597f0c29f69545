import Foundation
import GRDB
@testable import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import OnSiteTesting
import Synchronization
import Testing

/// A replica applies a pulled page, an acknowledged change set and a batch of local writes report by report
/// (decode once, apply all, write once). These schedules check that this gives exactly the replica that applying
/// the same answers one operation at a time gives.
@Suite("Batched apply: the same replica as one operation at a time")
struct BatchedApplyTests {
    static let baseSeed: UInt64 = 0xBA7C_4ED0_0A99_1E00
    static let schedules = max(4, (Int(ProcessInfo.processInfo.environment["ONSITE_PROPERTY_SCHEDULES"] ?? "") ?? 200) / 10)

    @Test("Every sync of a random schedule, replayed one operation per change set and per page on a copy of the replica, leaves the same replica")
    func batchedEqualsOneByOne() async throws {
        print("batched apply: seed \(Self.baseSeed), \(Self.schedules) schedules of 60 steps")
        for index in 0..<Self.schedules {
            let seed = Self.baseSeed &+ UInt64(index)
            let compared = try await Self.run(seed: seed, steps: 60)
            #expect(compared.syncs > 0, "seed \(seed): no sync was compared")
            #expect(compared.mergedOperations > 0, "seed \(seed): no sync merged anything")
        }
    }

    @Test("A change set is acknowledged only once the relay committed it; when its commit fails, nothing is acknowledged")
    func acknowledgeAfterCommit() async throws {
        var world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0]
        try await hub.replica.record(.createReport(Self.report("r-a", ward: World.wards[0], at: world.time.now)), on: "r-a")
        world.reportIds.append("r-a")
        try await hub.sync()
        let lan = world.devices[1]
        try await lan.sync()
        try await lan.replica.record(.addNote(Note(author: "lan", at: world.time.now, text: "Đã đến hiện trường")), on: "r-a")
        try await lan.replica.record(.setField(.address, .text("Tổ 7, phường Mường Thanh")), on: "r-a")
        let relayPath = world.folder.appendingPathComponent("relay.sqlite").path

        // Given a relay whose commit of a change set fails (its last write inside the transaction is refused)
        let other = try DatabaseQueue(path: relayPath)
        try await other.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON changeSet BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        }
        let checked = CommitCheckingRelay(relay: lan.relay, relayPath: relayPath)
        var configured = lan.engine
        configured.changeSetSize = 100
        let engine = configured
        // When the device pushes, then nothing is acknowledged: the operations stay queued, the base unchanged
        await #expect(throws: (any Error).self) {
            var attempt = SyncReport()
            try await engine.push(client: checked, into: &attempt)
        }
        #expect(try await lan.replica.status().pendingOperations == 2)
        #expect(try await world.store.serverVersion() == 1)
        let base = try await Self.dump(lan.replica).reports.first?.base
        #expect(base?.notes.isEmpty == true)

        // When the relay can commit again, then the answer comes after the commit and the acknowledgement merges both
        try await other.write { db in try db.execute(sql: "DROP TRIGGER refuse") }
        var report = SyncReport()
        try await engine.push(client: checked, into: &report)
        #expect(checked.acknowledgedAfterCommit == 1)
        #expect(try await lan.replica.status().pendingOperations == 0)
        let merged = try await Self.dump(lan.replica).reports.first?.base
        #expect(merged?.notes.map(\.text) == ["Đã đến hiện trường"])
        #expect(merged?.report.address == "Tổ 7, phường Mường Thanh")
    }

    // MARK: - The schedule

    struct Compared {
        var syncs = 0
        var mergedOperations = 0
    }

    /// Devices edit three reports offline (fields, notes, verifications, attachments, workflow steps, conflict
    /// resolutions) and sync at random. Before each sync the device's replica is copied; the device syncs in
    /// large batches, the copy takes the same answers one operation at a time; both must then be equal.
    static func run(seed: UInt64, steps: Int) async throws -> Compared {
        var random = SeededGenerator(seed: seed)
        var world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0]
        for (ward, id) in [(World.wards[0], "r-a"), (World.wards[0], "r-b"), (World.wards[1], "r-c")] {
            try await hub.replica.record(.createReport(report(id, ward: ward, at: world.time.now)), on: id)
            world.reportIds.append(id)
        }
        var compared = Compared()
        for device in world.devices { try await compareSync(device, world: world, seed: seed, into: &compared) }
        for step in 0..<steps {
            world.time.advance()
            let device = world.devices[Int.random(in: 0..<world.devices.count, using: &random)]
            let records = try await device.replica.allRecords()
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 20 || records.isEmpty {
                try await compareSync(device, world: world, seed: seed, into: &compared)
                continue
            }
            let record = records[Int.random(in: 0..<records.count, using: &random)]
            let at = world.time.now
            let change: Change
            switch roll {
            case 20..<45:
                let field = [ReportField.address, .description, .isUrgent][Int.random(in: 0..<3, using: &random)]
                change = .setField(field, field == .isUrgent ? .flag(Bool.random(using: &random)) : .text("\(device.name) bước \(step)"))
            case 45..<55:
                change = .addNote(Note(author: device.name, at: at, text: "Ghi chú \(step) của \(device.name)"))
            case 55..<63:
                change = .addVerification(Verification(reportId: record.id, officer: device.name, visitedAt: at, position: nil,
                                                       finding: .confirmed, notes: "Xác minh \(step)"))
            case 63..<70:
                let hash = String(repeating: String(format: "%02x", step % 256), count: 32)
                change = .addAttachment(Attachment(reportId: record.id, sha256: hash, byteCount: 1_000 + Int64(step), contentType: "image/jpeg",
                                                   fileName: "anh-\(step).jpg", addedBy: device.name, addedAt: at))
            case 70..<78:
                guard let open = record.openConflicts.first else { continue }
                change = .resolveConflict(id: open.id)
            default:
                let kinds = WorkflowAction.Kind.allowed(from: record.report.status, for: device.role)
                guard !kinds.isEmpty else { continue }
                let kind = kinds[Int.random(in: 0..<kinds.count, using: &random)]
                change = .transition(Transition(action: Schedule.action(kind, step: step, at: at, random: &random), expected: record.report.status,
                                                role: device.role, actor: device.name, at: at))
            }
            do {
                try await device.replica.record(change, on: record.id)
            } catch is ClientError {
                // Refused locally (role or scope): nothing was queued.
            }
        }
        for _ in 0..<2 {
            for device in world.devices { try await compareSync(device, world: world, seed: seed, into: &compared) }
        }
        return compared
    }

    /// One sync of `device` in large batches, and the same answers taken one operation at a time by a copy of
    /// its replica made just before; the two replicas must then hold the same rows.
    static func compareSync(_ device: SimulatedDevice, world: World, seed: UInt64, into compared: inout Compared) async throws {
        let twin = try copy(of: device.replica, time: world.time, in: world.folder)
        let recorder = RecordingRelay(relay: device.relay)
        var engine = device.engine
        engine.changeSetSize = 100
        engine.pageSize = 100
        var report = SyncReport()
        try await engine.push(client: recorder, into: &report)
        try await engine.pull(client: recorder, into: &report)
        let (results, pages) = recorder.captured

        // The copy: one operation per change set, one entry per page
        while let changeSet = try await twin.nextChangeSet(limit: 1) {
            let sent = try WireCoding.decode(ChangeSet.self, from: changeSet.body)
            let outcomes = try sent.operations.map { operation in
                guard let outcome = results.outcomes[operation.id] else {
                    throw BenchExpectation("seed \(seed): \(device.name)'s copy queued \(operation.id), which the device did not push")
                }
                return outcome
            }
            try await twin.acknowledge(PushResult(changeSetId: changeSet.id, serverVersion: results.serverVersion, results: outcomes))
        }
        for page in pages {
            for single in page.oneEntryPages() { try await twin.apply(single) }
            compared.mergedOperations += page.changes.count
        }
        compared.mergedOperations += results.outcomes.count
        compared.syncs += 1
        let batched = try await dump(device.replica), single = try await dump(twin)
        #expect(batched == single, "seed \(seed): \(device.name)'s replica after a batched sync differs from one operation at a time")
    }

    /// A copy of a replica's database, in memory, on the same virtual clock.
    static func copy(of replica: Replica, time: VirtualTime, in folder: URL) throws -> Replica {
        let queue = try DatabaseQueue(configuration: Replica.configuration)
        try replica.writer.backup(to: queue)
        return try Replica(writer: queue, directory: folder.appendingPathComponent("twin-\(UUID().uuidString)"), clock: { time.now })
    }

    // MARK: - Comparing replicas

    struct Dump: Equatable {
        struct ReportRowDump: Equatable {
            var id, code, status, province, district, searchText: String
            var commune, assignedUnit: String?
            var receivedAt: Date
            var version: Int64
            var base: ReportRecord?
            var state: ReportRecord
        }
        var reports: [ReportRowDump]
        var outbox: [[DatabaseValue]]
        var rejections: [[DatabaseValue]]
        var settings: [String: String]
    }

    /// Everything a replica holds that does not depend on how its answers were grouped: its report rows (records
    /// compared decoded, since sets encode in no fixed order), the outbox, the refusals and the sync state.
    static func dump(_ replica: Replica) async throws -> Dump {
        try await replica.writer.read { db in
            let decoder = WireCoding.makeDecoder()
            let reports = try Row.fetchAll(db, sql: "SELECT * FROM report ORDER BY id").map { row in
                Dump.ReportRowDump(
                    id: row["id"], code: row["code"], status: row["status"], province: row["province"], district: row["district"],
                    searchText: row["searchText"], commune: row["commune"], assignedUnit: row["assignedUnit"], receivedAt: row["receivedAt"],
                    version: row["version"], base: try (row["base"] as Data?).map { try decoder.decode(ReportRecord.self, from: $0) },
                    state: try decoder.decode(ReportRecord.self, from: row["state"] as Data))
            }
            // Change set ids and sequences are the grouping itself; refusal times are the clock of the moment.
            let outbox = try Row.fetchAll(db, sql: "SELECT position, operationId, reportId, operation, createdAt, baseVersion, acknowledgedVersion FROM outbox ORDER BY position")
                .map { row in Array(row.databaseValues) }
            let rejections = try Row.fetchAll(db, sql: "SELECT operationId, reportId, kind, code, message FROM rejection ORDER BY operationId")
                .map { row in Array(row.databaseValues) }
            var settings: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM setting WHERE key <> 'nextSequence'") { settings[row["key"]] = row["value"] }
            return Dump(reports: reports, outbox: outbox, rejections: rejections, settings: settings)
        }
    }

    static func report(_ id: String, ward: String, at: Date) -> Report {
        Report(
            id: id, code: "DB-\(id.uppercased())", title: "Phản ánh \(id)", description: "Mô tả", category: "moi-truong",
            location: GeoPoint(latitude: 21.38, longitude: 103.01), address: "Tổ 1",
            area: AdministrativeArea(province: World.province, district: World.district, commune: ward),
            reporter: Reporter(name: "Người dân", phone: "0912"), receivedAt: at, status: .forwarded, assignedUnit: ward)
    }
}

/// A failed expectation about the schedule itself, with the seed.
struct BenchExpectation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The in-process relay, with every push result and pull page it answered kept.
final class RecordingRelay: RelayConnection {
    struct Results {
        var outcomes: [UUID: OperationResult] = [:]
        var serverVersion: Int64 = 0
    }

    let relay: LocalRelay
    private let state = Mutex<(Results, [PullPage])>((Results(), []))

    init(relay: LocalRelay) { self.relay = relay }

    var captured: (Results, [PullPage]) { state.withLock { $0 } }

    func push(_ changeSet: OutgoingChangeSet, pending: Int, counters: inout WireCounters) async throws -> PushResult {
        let result = try await relay.push(changeSet, pending: pending, counters: &counters)
        state.withLock { captured in
            for outcome in result.results { captured.0.outcomes[outcome.operationId] = outcome }
            captured.0.serverVersion = max(captured.0.serverVersion, result.serverVersion)
        }
        return result
    }

    func pull(_ request: PullRequest, pending: Int, counters: inout WireCounters) async throws -> PullPage {
        let page = try await relay.pull(request, pending: pending, counters: &counters)
        state.withLock { $0.1.append(page) }
        return page
    }
    func registerKey(_ registration: DeviceKeyRegistration) async throws -> RegisteredDeviceKey {
        try await relay.registerKey(registration)
    }
}

/// The in-process relay; before it hands a push result to the device, another connection to the relay's file
/// must already see the change set committed.
final class CommitCheckingRelay: RelayConnection {
    let relay: LocalRelay
    let relayPath: String
    private let checked = Mutex(0)

    init(relay: LocalRelay, relayPath: String) {
        self.relay = relay
        self.relayPath = relayPath
    }

    /// Results handed over after their change set was seen committed.
    var acknowledgedAfterCommit: Int { checked.withLock { $0 } }

    func push(_ changeSet: OutgoingChangeSet, pending: Int, counters: inout WireCounters) async throws -> PushResult {
        let result = try await relay.push(changeSet, pending: pending, counters: &counters)
        let reader = try DatabaseQueue(path: relayPath)
        let committed = try await reader.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log WHERE changeSetId = ?", arguments: [changeSet.id.uuidString]) ?? 0
        }
        guard committed == changeSet.operationCount else {
            throw BenchExpectation("the relay answered change set \(changeSet.id) before its \(changeSet.operationCount) operations were committed (\(committed) seen)")
        }
        checked.withLock { $0 += 1 }
        return result
    }

    func pull(_ request: PullRequest, pending: Int, counters: inout WireCounters) async throws -> PullPage {
        try await relay.pull(request, pending: pending, counters: &counters)
    }
    func registerKey(_ registration: DeviceKeyRegistration) async throws -> RegisteredDeviceKey {
        try await relay.registerKey(registration)
    }
}

extension PullPage {
    /// The same page cut into pages of one entry each (the snapshots and evictions with the first), the last
    /// one carrying the page's cursor: what a relay with a page size of one would have served.
    func oneEntryPages() -> [PullPage] {
        guard !changes.isEmpty else { return [self] }
        return changes.enumerated().map { index, entry in
            let last = index == changes.count - 1
            return PullPage(
                changes: [entry], nextCursor: last ? nextCursor : entry.version, hasMore: last ? hasMore : true,
                serverVersion: serverVersion, snapshots: index == 0 ? snapshots : [], evictions: index == 0 ? evictions : [],
                serverTimeMillis: serverTimeMillis)
        }
    }
}
