import Foundation
import OnSiteClient
import OnSiteSync
import Testing

/// The `onsite` commands as an officer types them: bad input, and the conflict round trip.
@Suite("End to end: command line", .serialized)
struct CommandLineTests {
    @Test("Bad input on the command line gets a sentence saying what to do, and queues nothing")
    func badInput() async throws {
        let (relay, hub) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        let cases: [(device: FieldDevice, arguments: [String], says: String)] = [
            (lan, ["edit", "DB-2024-00101", "--field", "urgent", "--value", "maybe"], "yes or no"),
            (lan, ["edit", "DB-2024-00101", "--field", "location", "--value", "near the bridge"], "LATITUDE,LONGITUDE"),
            (lan, ["edit", "DB-2024-00101", "--field", "assigned_unit", "--value", "phuong-him-lam"], "Only the hub"),
            (lan, ["edit", "DB-2024-00101", "--field", "address", "--value", "   "], "cannot be empty"),
            (lan, ["verify", "DB-2024-00101", "--finding", "confirmed", "--lat", "200", "--lon", "103"], "--lat"),
            (lan, ["verify", "DB-9999", "--finding", "confirmed"], "No report DB-9999"),
            (lan, ["act", "DB-2024-00101", "return_to_hub"], "--reason"),
            (lan, ["report", "overdue", "--from", "last tuesday"], "--from"),
            (lan, ["report", "overdue", "--step", "approval"], "gives no deadline for the step approval"),
            (lan, ["report", "overdue", "--list", "--format", "csv"], "--list prints text or json"),
            (lan, ["list", "--page", "0"], "--page starts at 1"),
            (lan, ["show", "DB-2024-00101", "--as-of", "tomorrow"], "--as-of"),
            (lan, ["export", "--format", "csv", "--samples", "/nonexistent"], "No units.json"),
            (lan, ["resolve", "not-a-conflict", "--keep", "mine"], "No conflict"),
            (hub, ["import", sampleReportsFile.replacingOccurrences(of: "reports.json", with: "units.json")], "units.json"),
        ]
        for (device, arguments, says) in cases {
            let result = try run(Binaries.client, arguments + ["--replica", device.folder.path])
            #expect(result.status != 0, "\(arguments) was accepted")
            #expect(result.combined.contains(says), "\(arguments): \(result.combined)")
        }
        #expect(try await lan.status().pendingOperations == 0)
        #expect(try await hub.status().pendingOperations == 0)
    }

    @Test("Two officers change one field offline: the loser sees the conflict, keeps their value, and everyone converges")
    func conflictRoundTrip() async throws {
        let (relay, _, lan, minh) = try Seeded.twoOfficers()

        // Both change the address without seeing each other's change; Minh's is later and wins
        try #require(try lan.onsite("edit", "DB-2024-00102", "--field", "address", "--value", "Tổ 9, sau chợ").status == 0)
        try #require(try minh.onsite("edit", "DB-2024-00102", "--field", "address", "--value", "Tổ 10, sau chợ").status == 0)
        try minh.sync()
        try lan.sync()

        // Lan's value is not lost: `onsite conflicts` shows it
        let listed = try lan.onsite("conflicts")
        #expect(listed.output.contains("lost: \"Tổ 9, sau chợ\" by Lan"))
        #expect(listed.output.contains("kept: \"Tổ 10, sau chợ\" by Minh"))
        let open = try WireCoding.decode([FieldConflict].self, from: Data(try lan.onsite("conflicts", "--json").output.utf8))
        let conflict = try #require(open.first)

        // She keeps her own value; it syncs like any change and closes the conflict everywhere
        try #require(try lan.onsite("resolve", conflict.id.uuidString, "--keep", "mine").status == 0)
        try lan.sync()
        try minh.sync()
        #expect(try minh.onsite("conflicts").output.contains("No open conflicts."))
        let record = try #require(try await minh.records().first { $0.report.code == "DB-2024-00102" })
        #expect(record.report.address == "Tổ 9, sau chợ")
        #expect(try await lan.records() == minh.records())
        withExtendedLifetime(relay) {}  // the relay (and the replicas in its folder) live until here
    }

    @Test("A replica folder that cannot be used gets a sentence saying what to do, never a raw SQLite or Cocoa error")
    func unusableReplica() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-unusable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        // A corrupt replica.sqlite, one that is a folder, a missing replica, and a replica path under a file
        let corrupt = base.appendingPathComponent("corrupt")
        try FileManager.default.createDirectory(at: corrupt, withIntermediateDirectories: true)
        try Data(repeating: 0x42, count: 8192).write(to: corrupt.appendingPathComponent("replica.sqlite"))
        let folderAsFile = base.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folderAsFile.appendingPathComponent("replica.sqlite"), withIntermediateDirectories: true)
        let file = base.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        let cases: [(arguments: [String], says: String, status: Int32)] = [
            (["status", "--replica", corrupt.path], "is damaged", 1),
            (["list", "--replica", folderAsFile.path], "is a folder where a file was expected", 1),
            (["status", "--replica", base.appendingPathComponent("missing").path], "No replica in", 64),
            (["init", "--replica", file.appendingPathComponent("replica").path], "not a folder", 1),
        ]
        for (arguments, says, status) in cases {
            let result = try run(Binaries.client, arguments)
            #expect(result.status == status, "\(arguments): \(result.combined)")
            #expect(result.combined.contains(says), "\(arguments): \(result.combined)")
            for raw in ["SQLite error", "NSCocoaErrorDomain", "Error Domain"] {
                #expect(!result.combined.contains(raw), "\(arguments): \(result.combined)")
            }
        }
    }
}
