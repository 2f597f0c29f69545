import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import Synchronization
import Testing

/// Issue 8, items 3 and 4, end to end between replicas and a real relay store: a stamp must never stop a device
/// from writing, and a device whose clock ran ahead still gets its work through.
@Suite("Hostile input: stamps across sync")
struct HostileClockSyncTests {
    static func report(_ world: World, id: String) -> Report {
        Report(
            id: id, code: id.uppercased(), title: "Cống tắc", description: "", category: "ha-tang-do-thi", location: nil,
            address: "Tổ 3", area: AdministrativeArea(province: World.province, district: World.district, commune: World.wards[0]),
            reporter: Reporter(name: "Lò Văn Hùng", phone: "0912"), receivedAt: world.time.now, status: .forwarded, assignedUnit: World.wards[0])
    }

    @Test("a stamp at the counter bound near year 3000, already in the log, does not stop the devices that pull it")
    func poisonedStampInTheLog() async throws {
        let world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0], lan = world.devices[1]
        let report = Self.report(world, id: "r-poison")
        try await hub.replica.record(.createReport(report), on: report.id)
        try await hub.sync()
        // Given a note stamped {t: 32503679999999, c: 2147483647} that a relay without the bound accepted
        let poison = HybridTimestamp(wallMillis: 32_503_679_999_999, counter: 2_147_483_647, device: hub.relay.actor.deviceId)
        let note = Change.addNote(Note(author: "hub", at: world.time.now, text: "đầu độc"))
        _ = try await world.store.push(
            ChangeSet(deviceId: poison.device, sequence: 1_000, baseVersion: 0, operations: [SyncOperation(reportId: report.id, stamp: poison, change: note)]),
            from: hub.relay.actor, at: world.time.now)

        // When Lan, and an officer enrolled later, pull it and then write
        let late = try await world.makeDevice(name: "late", role: .officer, units: [World.wards[0]], skew: 0)
        for device in [lan, late] {
            try await device.sync()
            world.time.advance()
            try await device.replica.record(.setField(.address, .text("Tổ 4, \(device.name)")), on: report.id)
            let sync = try await device.sync()
            // Then the write is accepted by the relay (no "counter below 2^31", no stamp_in_future)
            #expect(sync.operationsApplied == 1, "\(device.name): \(sync.rejected)")
            #expect(try await device.replica.status().pendingOperations == 0)
        }
    }

    @Test("a device whose clock ran hours ahead after its last sync gets its work through, re-stamped from the relay's time")
    func clockAheadIsRestamped() async throws {
        let world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0]
        let report = Self.report(world, id: "r-ahead")
        try await hub.replica.record(.createReport(report), on: report.id)
        try await hub.sync()

        // Given an officer enrolled and synced with a right clock, whose clock then jumps three hours ahead
        let skew = Atomic<Int64>(0)
        let time = world.time
        let id = "ahead-\(UUID().uuidString.prefix(8))"
        try await world.store.addDevice(DeviceRecord(id: id, name: "ahead", role: .officer, units: [World.wards[0]], tokenHash: UUID().uuidString, createdAt: time.now))
        let replica = try Replica(directory: world.folder.appendingPathComponent("replica-\(id)"), clock: {
            time.now.addingTimeInterval(Double(skew.load(ordering: .relaxed)) / 1000)
        })
        try await replica.enroll(Enrolment(relayURL: "in-process", token: "", caCertificatePath: nil, profile: DeviceProfile(
            deviceId: id, name: "ahead", role: .officer, units: [World.wards[0]], serverVersion: 0, serverTimeMillis: WireDate.millis(time.now))))
        let device = SimulatedDevice(name: "ahead", role: .officer, units: [World.wards[0]], replica: replica,
                                     relay: LocalRelay(store: world.store, actor: Actor(deviceId: id, role: .officer, units: [World.wards[0]]), time: time), skew: 0)
        try await device.sync()
        skew.store(3 * 3_600_000, ordering: .relaxed)
        try await replica.record(.addNote(Note(author: "ahead", at: time.now, text: "Ghi chú khi đồng hồ chạy nhanh")), on: report.id)

        // When it syncs
        let sync = try await device.sync()

        // Then the relay refused the first send (stamp_in_future), the client re-stamped, and the note is in
        #expect(sync.operationsApplied == 1)
        #expect(try await replica.status().pendingOperations == 0)
        let log = try await world.store.logEntries(after: 0, limit: 1_000)
        let stamps = log.filter { $0.deviceId == id }.map(\.operation.stamp.wallMillis)
        #expect(stamps.count == 1)
        #expect(stamps.allSatisfy { $0 <= WireDate.millis(time.now) + SyncLimits().maxStampLeadMillis })
    }
}
