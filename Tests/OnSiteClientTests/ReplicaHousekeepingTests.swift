import Foundation
import OnSiteClient
import Testing

/// What opening a replica tidies: permissions others could read, and copies a killed import left behind.
@Suite("Replica housekeeping")
struct ReplicaHousekeepingTests {
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test("A replica folder and database left readable by others are made private on opening, and that is reported")
    func permissions() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replica-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let created = try Replica(directory: folder)
        #expect(Self.mode(folder.path) == 0o700)
        #expect(Self.mode(folder.appendingPathComponent("replica.sqlite").path) == 0o600)
        #expect(created.permissionsTightened.isEmpty)

        chmod(folder.path, 0o755)
        chmod(folder.appendingPathComponent("replica.sqlite").path, 0o644)
        let reopened = try Replica(directory: folder)
        #expect(Set(reopened.permissionsTightened) == [folder.path, folder.appendingPathComponent("replica.sqlite").path])
        #expect(Self.mode(folder.path) == 0o700 && Self.mode(folder.appendingPathComponent("replica.sqlite").path) == 0o600)
    }

    @Test("Copies a killed import left in blobs/tmp are deleted once an hour old; a copy in progress is left alone")
    func temporaryCopies() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replica-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Replica(directory: folder)
        let tmp = folder.appendingPathComponent("blobs/tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let stale = tmp.appendingPathComponent("import-stale").path, fresh = tmp.appendingPathComponent("import-fresh").path
        #expect(FileManager.default.createFile(atPath: stale, contents: Data(repeating: 1, count: 100)))
        #expect(FileManager.default.createFile(atPath: fresh, contents: Data(repeating: 2, count: 100)))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: stale)
        _ = try Replica(directory: folder)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: fresh))
    }
}
