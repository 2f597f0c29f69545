import Foundation
import GRDB
import OnSiteClient
import OnSiteCore
import OnSiteRelay
import OnSiteSync

/// A relay store in memory and field clients enrolled with it in process: the use cases of ``FieldClient``
/// without a socket or a subprocess.
///
/// ```swift
/// let bench = try await FieldBench()
/// let (lan, minh) = try await bench.twoOfficers()
/// try await lan.client.addNote("…", to: "DB-2024-00101")
/// try await lan.sync()
/// ```
public struct FieldBench: Sendable {
    public static let province = "dien-bien"
    public static let district = "tp-dien-bien-phu"
    public static let wards = ["phuong-muong-thanh", "phuong-him-lam"]

    public let store: RelayStore
    public let time: VirtualTime
    /// Photos of the bench's replicas go below it; ``remove()`` deletes it.
    public let folder: URL

    public init(time: VirtualTime = VirtualTime()) throws {
        self.time = time
        store = try RelayStore(writer: DatabaseQueue(configuration: RelayStore.configuration))
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// A device registered on the relay and enrolled through ``FieldClient/enroll(relay:token:caCertificate:askRelay:)``,
    /// its replica in memory on the bench's virtual clock (shifted by `skewMillis`).
    public func enroll(_ name: String, role: Role, units: [String], skewMillis: Int64 = 0) async throws -> BenchDevice {
        let id = "\(name)-\(UUID().uuidString.prefix(8))"
        try await store.addDevice(DeviceRecord(id: id, name: name, role: role, units: units, tokenHash: UUID().uuidString, createdAt: time.now))
        let time = self.time
        let replica = try Replica.inMemory(
            directory: folder.appendingPathComponent("replica-\(id)"),
            clock: { time.now.addingTimeInterval(Double(skewMillis) / 1000) })
        let client = FieldClient(replica: replica)
        let profile = DeviceProfile(deviceId: id, name: name, role: role, units: units, serverVersion: 0, serverTimeMillis: time.nowMillis)
        try await client.enroll(relay: "http://127.0.0.1:1", token: "ost_\(id)", caCertificate: nil, askRelay: { _ in profile })
        return BenchDevice(name: name, client: client, relay: LocalRelay(store: store, actor: Actor(deviceId: id, role: role, units: Set(units)), time: time))
    }

    /// The hub of the province with the sample reports created and synced (`Samples/reports.json`).
    public func seededHub() async throws -> BenchDevice {
        let hub = try await enroll("hub", role: .hub, units: [Self.province])
        _ = try await hub.client.importReports(from: SampleFiles.reports)
        try await hub.sync()
        return hub
    }

    /// The seeded hub and two officers of Mường Thanh ward, Lan and Minh, each synced once.
    public func twoOfficers() async throws -> (hub: BenchDevice, lan: BenchDevice, minh: BenchDevice) {
        let hub = try await seededHub()
        let lan = try await enroll("Lan", role: .officer, units: [Self.wards[0]])
        let minh = try await enroll("Minh", role: .officer, units: [Self.wards[0]])
        try await lan.sync()
        try await minh.sync()
        return (hub, lan, minh)
    }

    public func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// One enrolled field client and its in-process link to the bench's relay.
public struct BenchDevice: Sendable {
    public let name: String
    public let client: FieldClient
    public let relay: LocalRelay

    /// A full sync over the in-process link (records only: photos travel over HTTP).
    @discardableResult
    public func sync(_ options: SyncOptions = SyncOptions()) async throws -> SyncReport {
        try await client.sync(options, over: relay)
    }
}

/// The sample files shipped in `Samples/`.
public enum SampleFiles {
    public static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples")
    }
    public static var reports: URL { folder.appendingPathComponent("reports.json") }
    public static var photos: URL { folder.appendingPathComponent("photos") }
}
