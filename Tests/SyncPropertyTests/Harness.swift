import Foundation
import Logging
import OnSiteClient
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import OnSiteClientTesting
import OnSiteTesting


/// One simulated device: its replica (with its own, possibly wrong, clock) and its link to the relay.
struct SimulatedDevice {
    let name: String
    let role: Role
    let units: [String]
    let replica: Replica
    let relay: LocalRelay
    let skew: Int64

    var engine: SyncEngine {
        var engine = SyncEngine(replica: replica)
        engine.pageSize = 7
        engine.changeSetSize = 5
        return engine
    }

    /// Push then pull; a lost answer leaves the change set frozen for the next sync.
    @discardableResult
    func sync() async throws -> SyncReport {
        var report = SyncReport()
        do {
            try await engine.push(client: relay, into: &report)
            try await engine.pull(client: relay, into: &report)
        } catch let error as ClientError where error.isUnreachable {
            return report
        }
        return report
    }
}

/// A relay with devices of mixed roles and a few reports in two wards of one district.
struct World {
    static let province = "dien-bien"
    static let district = "tp-dien-bien-phu"
    static let wards = ["phuong-muong-thanh", "phuong-him-lam"]

    let folder: URL
    let store: RelayStore
    let time = VirtualTime()
    var devices: [SimulatedDevice] = []
    var reportIds: [String] = []
    /// The entries compaction folded out of the relay's log, kept here to check that no accepted write vanished.
    var compactedEntries: [LogEntry] = []

    init(skews: [Int64]) async throws {
        // Real SQLite files; on a RAM disk when there is one, so hundreds of schedules do not wait on fsync.
        let shm = URL(fileURLWithPath: "/dev/shm")
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        folder = base.appendingPathComponent("onsite-prop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try RelayStore(path: folder.appendingPathComponent("relay.sqlite").path)
        let cast: [(String, Role, [String])] = [
            ("hub", .hub, [Self.province]),
            ("lan", .officer, [Self.wards[0]]),
            ("minh", .officer, [Self.wards[0]]),
            ("tuan", .officer, [Self.wards[1]]),
            ("leader", .leader, [Self.wards[0]]),
            ("supervisor", .supervisor, [Self.district]),
        ]
        for (index, (name, role, units)) in cast.enumerated() {
            devices.append(try await makeDevice(name: name, role: role, units: units, skew: skews[index % skews.count]))
        }
    }

    func makeDevice(name: String, role: Role, units: [String], skew: Int64) async throws -> SimulatedDevice {
        let id = "\(name)-\(UUID().uuidString.prefix(8))"
        try await store.addDevice(DeviceRecord(id: id, name: name, role: role, units: units, tokenHash: UUID().uuidString, createdAt: time.now))
        let time = self.time
        let replica = try Replica(directory: folder.appendingPathComponent("replica-\(id)"), clock: { time.now.addingTimeInterval(Double(skew) / 1000) })
        let profile = DeviceProfile(deviceId: id, name: name, role: role, units: units, serverVersion: 0,
                                    serverTimeMillis: time.nowMillis)
        try await replica.enroll(Enrolment(relayURL: "in-process", token: "", caCertificatePath: nil, profile: profile))
        let actor = Actor(deviceId: id, role: role, units: Set(units))
        return SimulatedDevice(name: name, role: role, units: units, replica: replica, relay: LocalRelay(store: store, actor: actor, time: time), skew: skew)
    }

    /// The state a fresh device of the same role and units pulls: the relay's state for that scope.
    func relayState(for device: SimulatedDevice) async throws -> [ReportRecord] {
        let fresh = try await makeDevice(name: "fresh-\(device.name)", role: device.role, units: device.units, skew: 0)
        try await fresh.sync()
        return try await fresh.replica.allRecords()
    }

    /// Folds the relay's log up to `version`, as its retention window would, remembering what it removes.
    mutating func compact(through version: Int64) async throws {
        let from = try await store.compactedThrough()
        compactedEntries += try await store.logEntries(after: from, limit: 1_000_000).filter { $0.version <= version }
        try await store.compact(through: version)
    }

    /// Every operation the relay ever accepted, in version order: the folded ones and the log it keeps.
    func acceptedLog() async throws -> [LogEntry] {
        compactedEntries + (try await store.logEntries(after: try await store.compactedThrough(), limit: 1_000_000))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
