import Foundation
import Logging
import OnSiteClient
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import Synchronization
import OnSiteTesting


/// Virtual time shared by the relay and the devices: every step moves it on by one second.
final class VirtualTime: Sendable {
    private let millis = Atomic<Int64>(1_713_400_000_000)
    var now: Date { Date(timeIntervalSince1970: Double(millis.load(ordering: .relaxed)) / 1000) }
    func advance(by step: Int64 = 1_000) { millis.add(step, ordering: .relaxed) }
}

/// A real relay store, reached in process through the same intake and pull as the HTTP routes; it can lose
/// the answer of a push after committing it, as a dropped link would.
struct LocalRelay: RelayConnection {
    let store: RelayStore
    let actor: Actor
    let time: VirtualTime
    let link = LinkFault()

    init(store: RelayStore, actor: Actor, time: VirtualTime) {
        self.store = store
        self.actor = actor
        self.time = time
    }

    func push(_ changeSet: OutgoingChangeSet, pending: Int, counters: inout WireCounters) async throws -> PushResult {
        let result: PushResult
        do {
            (_, result) = try await store.accept(changeSet.body, from: actor, limits: SyncLimits(), now: time.now)
        } catch let error as RelayError {
            // What the HTTP client makes of the relay's error body.
            throw ClientError.relayRefused(status: Int(error.status.code), code: error.detail.code, message: error.detail.message)
        }
        if link.takeLoss() {
            throw ClientError.unreachable("the link dropped before the answer arrived", pending: pending)
        }
        return result
    }

    func pull(since cursor: Int64, limit: Int, pending: Int, counters: inout WireCounters) async throws -> PullPage {
        try await store.pull(since: cursor, limit: limit, for: actor, now: time.now)
    }
}

/// Whether the link drops the next answer.
final class LinkFault: Sendable {
    private let losesNext = Mutex(false)
    func loseNextAnswer(_ lose: Bool) { losesNext.withLock { $0 = lose } }
    func takeLoss() -> Bool { losesNext.withLock { lose in defer { lose = false }; return lose } }
}

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
                                    serverTimeMillis: Int64(time.now.timeIntervalSince1970 * 1000))
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

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
