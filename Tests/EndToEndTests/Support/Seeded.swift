import Foundation
import OnSiteRelayProcess

/// The shared starting points of the end-to-end tests: a relay with the sample reports, and officers of
/// Mường Thanh ward enrolled and synced through the real `onsite`.
enum Seeded {
    /// A relay with the sample reports pushed by a hub device.
    static func relay() throws -> (RelayProcess, hub: FieldDevice) {
        let relay = try RelayProcess()
        let hubToken = try relay.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
        try relay.start()
        let hub = FieldDevice(name: "hub", in: relay.folder)
        try hub.enroll(with: relay, token: hubToken)
        let imported = try hub.onsite("import", sampleReportsFile)
        guard imported.status == 0 else { throw E2EError(imported.combined) }
        try hub.sync()
        return (relay, hub)
    }

    /// An officer of Mường Thanh ward (`lan` is enrolled as "Lan"), enrolled and synced once.
    static func officer(_ name: String, on relay: RelayProcess) throws -> FieldDevice {
        let device = FieldDevice(name: name, in: relay.folder)
        try device.enroll(with: relay, token: try relay.addDevice(role: "officer", name: name.capitalized, units: ["phuong-muong-thanh"]))
        try device.sync()
        return device
    }

    /// The seeded relay with two officers of one ward, Lan and Minh, both synced.
    static func twoOfficers() throws -> (relay: RelayProcess, hub: FieldDevice, lan: FieldDevice, minh: FieldDevice) {
        let (relay, hub) = try relay()
        return (relay, hub, try officer("lan", on: relay), try officer("minh", on: relay))
    }

    /// The Điện Biên memo's sample (`Samples/memo-2024-04`): its folder, with `reports.json`, `events.json` and
    /// `expected-table.txt`.
    static var memoFolder: URL {
        URL(fileURLWithPath: sampleReportsFile).deletingLastPathComponent().appendingPathComponent("memo-2024-04")
    }

    /// A running relay with the memo's reports and their histories imported by a hub, and a supervisor of the
    /// province that pulled them.
    static func memo() throws -> MemoRelay {
        let relay = try RelayProcess()
        let hub = FieldDevice(name: "hub", in: relay.folder)
        let supervisor = FieldDevice(name: "supervisor", in: relay.folder)
        let hubToken = try relay.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
        let supervisorToken = try relay.addDevice(role: "supervisor", name: "Lãnh đạo IOC", units: ["dien-bien"])
        try relay.start()
        try hub.enroll(with: relay, token: hubToken)
        let imported = try hub.onsite("import", memoFolder.appendingPathComponent("reports.json").path,
                                      "--events", memoFolder.appendingPathComponent("events.json").path)
        guard imported.status == 0 else { throw E2EError("import failed: \(imported.combined)") }
        try hub.sync()
        try supervisor.enroll(with: relay, token: supervisorToken)
        try supervisor.sync()
        return MemoRelay(relay: relay, hub: hub, supervisor: supervisor, hubToken: hubToken, supervisorToken: supervisorToken)
    }
}

/// What ``Seeded/memo()`` starts: the relay, its hub and supervisor devices and their tokens.
struct MemoRelay {
    let relay: RelayProcess
    let hub: FieldDevice
    let supervisor: FieldDevice
    let hubToken: String
    let supervisorToken: String
}
