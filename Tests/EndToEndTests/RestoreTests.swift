import Foundation
import OnSiteClient
import OnSiteRelayProcess
import OnSiteSync
import Testing

/// Issue 11: a relay restored from a backup loses nothing a device still holds in its sent journal.
@Suite("End to end: backup and restore", .serialized)
struct RestoreTests {
    @Test("backup, three devices write and sync, restore, every device syncs: relay and replicas are equal and hold every later write exactly once")
    func restoreLosesNothing() async throws {
        // Given a relay with the samples, its hub and two officers, and a note made before the backup
        let (relay, hub, lan, minh) = try Seeded.twoOfficers()
        try #require(try lan.onsite("note", "DB-2024-00101", "Trước sao lưu").status == 0)
        try lan.sync()
        let backupFile = relay.folder.appendingPathComponent("backups/relay-1.sqlite").path
        let backup = try run(Binaries.relay, ["backup", "--config", relay.config.path, "--to", backupFile])
        try #require(backup.status == 0, "\(backup.combined)")
        #expect(backup.output.contains("Backed up the relay store at version"), "\(backup.output)")

        // When all three write after the backup (a photo among the writes), and everyone syncs twice
        try #require(try lan.onsite("note", "DB-2024-00101", "Sau sao lưu: Lan").status == 0)
        try #require(try lan.onsite("attach", "DB-2024-00101", "--photo", SamplePhotos.path("dbp-site-1.jpg")).status == 0)
        try #require(try minh.onsite("note", "DB-2024-00102", "Sau sao lưu: Minh").status == 0)
        try #require(try minh.onsite("edit", "DB-2024-00102", "--field", "address", "--value", "Sau chợ, tổ 9").status == 0)
        try #require(try hub.onsite("note", "DB-2024-00101", "Sau sao lưu: IOC").status == 0)
        for device in [lan, minh, hub, lan, minh, hub] { try device.sync() }
        let photo = try #require(try await lan.records().first { $0.report.code == "DB-2024-00101" }?.attachments.first?.sha256)

        // And the backup is restored: refused while the relay runs, then done with the relay stopped
        let refused = try run(Binaries.relay, ["restore", "--config", relay.config.path, "--from", backupFile])
        #expect(refused.status != 0 && refused.combined.contains("needs it stopped"), "\(refused.combined)")
        #expect(try RawRelayClient(relay: relay).request("GET", "/healthz").status == 200)
        relay.stop()
        let restored = try run(Binaries.relay, ["restore", "--config", relay.config.path, "--from", backupFile])
        try #require(restored.status == 0, "\(restored.combined)")
        #expect(restored.output.contains("epoch 2"), "\(restored.output)")
        #expect(restored.output.contains("Every device of the replaced store is known to the backup"), "\(restored.output)")
        try relay.start()

        // The hub writes first on the restored relay: its new note takes versions the lost ones had
        try #require(try hub.onsite("note", "DB-2024-00102", "Sau khôi phục: IOC").status == 0)
        let hubSync = try hub.onsite("sync")
        #expect(hubSync.status == 0, "\(hubSync.combined)")
        #expect(hubSync.output.contains("The relay was restored from a backup (epoch 1 → 2)"), "\(hubSync.output)")
        let lanSync = try lan.onsite("sync")
        #expect(lanSync.status == 0 && lanSync.output.contains("restored from a backup"), "\(lanSync.combined)")
        #expect(lanSync.output.contains("(2 were missing and are back on the relay)"), "the note and the photo: \(lanSync.output)")
        #expect(lanSync.output.contains("checks its 1 photo(s) there"), "\(lanSync.output)")
        for device in [minh, hub, lan, minh] { try device.sync() }
        let photos = try minh.onsite("sync", "--photos")
        #expect(photos.status == 0, "\(photos.combined)")

        // Then fresh devices enrolled now see what the replicas hold, and every write is there exactly once
        let freshOfficer = FieldDevice(name: "fresh-officer", in: relay.folder)
        try freshOfficer.enroll(with: relay, token: try relay.addDevice(role: "officer", name: "Kiểm tra", units: ["phuong-muong-thanh"]))
        try freshOfficer.sync()
        let freshHub = FieldDevice(name: "fresh-hub", in: relay.folder)
        try freshHub.enroll(with: relay, token: try relay.addDevice(role: "hub", name: "IOC 2", units: ["dien-bien"]))
        try freshHub.sync()
        let ward = try await freshOfficer.records()
        #expect(try await lan.records() == ward)
        #expect(try await minh.records() == ward)
        #expect(try await hub.records() == freshHub.records())
        for device in [lan, minh, hub] { #expect(try await device.status().pendingOperations == 0) }

        let pothole = try #require(ward.first { $0.report.code == "DB-2024-00101" })
        #expect(pothole.notes.map(\.text).sorted() == ["Sau sao lưu: IOC", "Sau sao lưu: Lan", "Trước sao lưu"])
        #expect(pothole.attachments.map(\.sha256) == [photo])
        let rubbish = try #require(ward.first { $0.report.code == "DB-2024-00102" })
        #expect(rubbish.notes.map(\.text).sorted() == ["Sau khôi phục: IOC", "Sau sao lưu: Minh"])
        #expect(rubbish.report.address == "Sau chợ, tổ 9")
        // The photo came back to the relay's access rules: another officer fetched it, verified by hash.
        #expect(try Replica(directory: minh.folder).blobs.contains(photo))
    }
}
