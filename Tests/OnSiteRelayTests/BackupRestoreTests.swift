import Foundation
import GRDB
import OnSiteCore
import OnSiteCrypto
@testable import OnSiteRelay
import OnSiteStorage
import OnSiteSync
import Testing

/// `onsite-relay backup` and `restore` on real SQLite files. The end-to-end restore with devices is in
/// `EndToEndTests/RestoreTests.swift`.
@Suite("Relay backup and restore")
struct BackupRestoreTests {
    typealias Fixture = RelayRouteTests.Fixture

    func hub(_ fixture: Fixture) -> Actor { Actor(deviceId: fixture.hub.id, role: .hub, units: ["dien-bien"]) }

    func accept(_ changeSet: ChangeSet, on fixture: Fixture) async throws {
        _ = try await fixture.server.store.accept(try WireCoding.encode(changeSet), from: hub(fixture), limits: SyncLimits())
    }

    func note(_ text: String) -> Change { .addNote(Note(author: "IOC", at: Date(), text: text)) }

    func backupPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("relay-backup-\(UUID().uuidString).sqlite").path
    }

    @Test("a backup taken while pushes commit is a whole store as of one commit: every change set with all its operations, the state matching the log")
    func backupUnderWrites() async throws {
        // Given a relay with a report, taking one change set of one note after another
        let fixture = try await Fixture()
        let folder = fixture.server.configuration.dataDirectory
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("r1", commune: "phuong-muong-thanh")), "r1")]), on: fixture)
        let writer = Task {
            for sequence in Int64(2)...121 {
                try await accept(fixture.changeSet(from: fixture.hub.id, sequence: sequence, [(note("Ghi chú \(sequence)"), "r1"), (note("Thêm \(sequence)"), "r1")]), on: fixture)
            }
        }
        // When backups are taken meanwhile
        var summaries: [RelayBackup.Summary] = []
        for _ in 0..<4 {
            summaries.append(try RelayBackup.write(storePath: fixture.server.configuration.storePath, dataDirectory: folder, to: backupPath()))
            try await Task.sleep(for: .milliseconds(30))
        }
        try await writer.value

        // Then each copy is a sound SQLite file whose log, change sets and merged report agree
        #expect(Set(summaries.map(\.serverVersion)).count > 1, "the backups ran while versions moved: \(summaries.map(\.serverVersion))")
        for summary in summaries {
            defer { try? FileManager.default.removeItem(atPath: summary.path) }
            #expect(!FileManager.default.fileExists(atPath: summary.path + "-wal"), "a backup is one file")
            let copy = try DatabaseQueue(path: summary.path)
            try await copy.read { db in
                #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
                let changeSets = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changeSet") ?? 0
                let entries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log") ?? 0
                #expect(entries == 1 + 2 * (changeSets - 1), "a change set is in the copy whole or not at all")
                #expect(try RelayStore.serverVersion(db) == summary.serverVersion)
                let state = try #require(try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = 'r1'"))
                #expect(try WireCoding.decode(ReportRecord.self, from: state).notes.count == entries - 1)
            }
            try copy.close()
        }
        #expect(summaries.allSatisfy { $0.identity == summaries[0].identity && $0.identity.epoch == 1 })
    }

    @Test("restore refuses a file that is not a relay database, saying so, and changes nothing", arguments: ["text", "sqlite"])
    func restoreRefusesOtherFiles(kind: String) async throws {
        let fixture = try await Fixture()
        let configuration = fixture.server.configuration
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("r1", commune: "phuong-muong-thanh")), "r1")]), on: fixture)
        let before = try await fixture.server.store.identityAndVersion()
        let path = backupPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        if kind == "text" {
            try Data("Báo cáo tháng 11\n".utf8).write(to: URL(fileURLWithPath: path))
        } else {
            let other = try DatabaseQueue(path: path)
            try await other.write { db in try db.execute(sql: "CREATE TABLE photo (id INTEGER PRIMARY KEY)") }
            try other.close()
        }
        #expect {
            try RelayRestore.restore(from: path, storePath: configuration.storePath, dataDirectory: configuration.dataDirectory,
                                     lockFileName: RelayDataFolder.lockFileName)
        } throws: { error in
            "\(error)".contains("is not an OnSite relay database") && "\(error)".contains("Nothing was changed")
        }
        let after = try await RelayStore(path: configuration.storePath).identityAndVersion()
        #expect(after.0 == before.0 && after.1 == before.1)
        #expect(!FileManager.default.fileExists(atPath: configuration.storePath + ".restoring"))
    }

    @Test("restore is refused while a relay holds the data folder")
    func restoreRefusedWhileServing() async throws {
        let fixture = try await Fixture()
        let configuration = fixture.server.configuration
        let backup = try RelayBackup.write(storePath: configuration.storePath, dataDirectory: configuration.dataDirectory, to: backupPath())
        defer { try? FileManager.default.removeItem(atPath: backup.path) }
        let held = try DataFolderLock(folder: configuration.dataDirectory, fileName: RelayDataFolder.lockFileName)
        #expect {
            try RelayRestore.restore(from: backup.path, storePath: configuration.storePath, dataDirectory: configuration.dataDirectory,
                                     lockFileName: RelayDataFolder.lockFileName)
        } throws: { error in
            "\(error)".contains("needs it stopped") && "\(error)".contains("pid \(getpid())")
        }
        withExtendedLifetime(held) {}
    }

    @Test("restore puts the backup in place in an epoch past the replaced store's, keeps that store, and names devices enrolled after the backup")
    func restoreStartsNewEpoch() async throws {
        // Given a backup, then a device enrolled and writes made after it
        let fixture = try await Fixture()
        let configuration = fixture.server.configuration
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("r1", commune: "phuong-muong-thanh")), "r1")]), on: fixture)
        let backup = try RelayBackup.write(storePath: configuration.storePath, dataDirectory: configuration.dataDirectory, to: backupPath())
        defer { try? FileManager.default.removeItem(atPath: backup.path) }
        let late = try await Fixture.add(.officer, ["phuong-him-lam"], to: fixture.server.store)
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 2, [(note("Sau sao lưu"), "r1")]), on: fixture)
        let replaced = try await fixture.server.store.identityAndVersion()

        // When it is restored
        let summary = try RelayRestore.restore(from: backup.path, storePath: configuration.storePath,
                                               dataDirectory: configuration.dataDirectory, lockFileName: RelayDataFolder.lockFileName)

        // Then the store is the backup's, in epoch 2, without the late device, which is named
        #expect(summary.identity == RelayIdentity(relayId: backup.identity.relayId, epoch: 2))
        #expect(summary.serverVersion == backup.serverVersion && summary.previousServerVersion == replaced.1)
        #expect(summary.devicesLost == ["\(late.id) (officer)"])
        let restored = try RelayStore(path: configuration.storePath)
        #expect(try await restored.identityAndVersion() == (summary.identity, backup.serverVersion))
        #expect(try await restored.devices().map(\.id).contains(late.id) == false)
        let keptPath = try #require(summary.keptPrevious)
        #expect(try await RelayStore(path: keptPath).identityAndVersion() == (replaced.0, replaced.1))

        // And restoring the same backup once more goes past epoch 2, not back to it
        let again = try RelayRestore.restore(from: backup.path, storePath: configuration.storePath,
                                             dataDirectory: configuration.dataDirectory, lockFileName: RelayDataFolder.lockFileName)
        #expect(again.identity.epoch == 3)

        // And with --keep-devices, the replaced store's devices come along: the late one, and a revocation made since
        try await RelayStore(path: configuration.storePath).addDevice(DeviceRecord(
            id: late.id, name: "officer", role: .officer, units: ["phuong-him-lam"], tokenHash: "late-hash", createdAt: Date()))
        #expect(try await RelayStore(path: configuration.storePath).revokeDevice(id: fixture.officer.id, at: Date()))
        let lateKey = try Ed25519PrivateKey.generate()
        _ = try await RelayStore(path: configuration.storePath).registerKey(
            DeviceKeyRegistration(publicKey: Data(lateKey.publicKey.rawRepresentation).base64EncodedString()), for: late.id)
        let kept = try RelayRestore.restore(from: backup.path, storePath: configuration.storePath, dataDirectory: configuration.dataDirectory,
                                            lockFileName: RelayDataFolder.lockFileName, keepDevices: true)
        #expect(kept.identity.epoch == 4 && kept.devicesLost.isEmpty)
        let devices = try await RelayStore(path: configuration.storePath).devices()
        #expect(devices.first { $0.id == late.id }?.tokenHash == "late-hash")
        #expect(devices.first { $0.id == fixture.officer.id }?.revokedAt != nil, "a revocation made after the backup stays")
        let keys = try await RelayStore(path: configuration.storePath).deviceKeys()
        #expect(keys.contains { $0.deviceId == late.id && $0.keyId == lateKey.publicKey.keyId }, "a key registered after the backup stays")
    }

    @Test("a backup that fails while copying its photos leaves no backup file; the next run completes it")
    func backupFileAppearsLast() async throws {
        // Given a relay holding one uploaded photo
        let fixture = try await Fixture()
        let configuration = fixture.server.configuration
        try await accept(fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("r1", commune: "phuong-muong-thanh")), "r1")]), on: fixture)
        let photo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Samples/photos/dbp-site-1.jpg").path
        let sha256 = try SHA256.hash(fileAt: photo).hex
        let blobPath = RelayBlobStore(directory: URL(fileURLWithPath: configuration.dataDirectory)).blobPath(sha256)
        try FileManager.default.createDirectory(atPath: (blobPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: photo, toPath: blobPath)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: photo)[.size] as? Int64)
        try await RelayStore(path: configuration.storePath).writer.write { db in
            try db.execute(sql: "INSERT INTO blobUploader (sha256, deviceId, byteCount, uploadedAt) VALUES (?, ?, ?, ?)",
                           arguments: [sha256, fixture.hub.id, size, Date()])
        }
        // And a backup's photo folder that cannot be written (a file stands where the folder goes)
        let path = backupPath()
        let photos = RelayBackup.blobFolder(of: path)
        FileManager.default.createFile(atPath: photos, contents: Data("in the way".utf8))
        defer { for leftover in [path, photos, path + ".partial"] { try? FileManager.default.removeItem(atPath: leftover) } }

        // When the backup runs, it fails while copying the photo, and leaves no file that looks like a backup
        #expect(throws: (any Error).self) {
            try RelayBackup.write(storePath: configuration.storePath, dataDirectory: configuration.dataDirectory, to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))

        // When the obstacle is gone and the backup runs again, it is whole: the database and its photo
        try FileManager.default.removeItem(atPath: photos)
        let summary = try RelayBackup.write(storePath: configuration.storePath, dataDirectory: configuration.dataDirectory, to: path)
        #expect(summary.blobsCopied == 1 && summary.blobsMissing.isEmpty)
        #expect(FileManager.default.contentsEqual(atPath: BlobFolder.path(of: sha256, in: photos), andPath: photo))
        #expect(FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + ".partial"))
    }
}
