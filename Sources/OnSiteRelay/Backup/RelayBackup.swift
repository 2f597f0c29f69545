import Foundation
import GRDB
import OnSiteStorage
import OnSiteSync

/// `onsite-relay backup --to FILE`: an online, consistent copy of the relay store, with the blobs it refers to.
///
/// The database is copied with SQLite's backup API from one read transaction of a `DatabasePool` (GRDB's
/// `backup(to:)`): a relay serving pushes meanwhile goes on, and the copy is the store as of one commit.
/// The blobs the copy refers to (`attachmentRef`, `blobUploader`) are content-addressed and never change, so
/// copying them afterwards is consistent too; they go into `FILE.blobs/<aa>/<sha256>`. A referenced blob the
/// relay does not hold (its upload never finished) is listed, not an error.
///
/// ```swift
/// let summary = try RelayBackup.write(storePath: configuration.storePath, dataDirectory: configuration.dataDirectory, to: "/backup/relay-2026-12-02.sqlite")
/// ```
public enum RelayBackup {
    /// What a backup holds.
    public struct Summary: Sendable, Hashable {
        public var path: String
        public var blobFolder: String
        public var identity: RelayIdentity
        public var serverVersion: Int64
        public var deviceCount: Int
        public var blobsCopied: Int
        public var blobBytes: Int64
        /// Blobs the store refers to that the relay does not hold (uploads not finished when the backup ran).
        public var blobsMissing: [String]
    }

    /// The folder of blobs that goes with a backup file.
    public static func blobFolder(of backupPath: String) -> String { backupPath + ".blobs" }

    /// Writes the backup: the database to a temporary file (`FILE.partial`), the blobs it refers to, then the database
    /// renamed to `path` (fsynced): `path` exists only once the whole backup is written.
    ///
    /// - Throws: ``RelayBackupError/destinationExists(_:)`` (nothing written), ``RelayBackupError/notRelayDatabase(_:reason:)``
    ///   when the data folder holds no relay store, ``RelayBackupError/file(_:)`` or a `DatabaseError` when a copy fails.
    public static func write(storePath: String, dataDirectory: String, to path: String) throws -> Summary {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: path) else { throw RelayBackupError.destinationExists(path) }
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw RelayBackupError.notRelayDatabase(storePath, reason: "no relay store in the data folder \(dataDirectory)")
        }
        let temporary = path + ".partial"
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RelayBackupError.file(FileFailure("create the folder", folder))
        }
        try? FileManager.default.removeItem(atPath: temporary)
        // The live store, not migrated here: a running relay owns its schema.
        let source = try DatabasePool(path: storePath, configuration: DurableDatabase.configuration)
        try RelayStoreCheck.requireRelayTables(source, path: storePath)
        try DurableDatabase.createPrivately(temporary)
        do {
            let destination = try DatabaseQueue(path: temporary, configuration: DurableDatabase.configuration)
            try source.backup(to: destination)
            // A backup is one self-contained file: no -wal beside it.
            try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try destination.close()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        // The blobs first, the database file last: a backup file that exists is complete. A backup killed or failing
        // before the end leaves `FILE.partial` (removed by the next run) and perhaps some blobs in `FILE.blobs`
        // (kept and reused: each is whole, fsynced and renamed), never a `FILE` that lacks its photos.
        let copy = try DatabaseQueue(path: temporary, configuration: readOnly)
        let (identity, version, devices, hashes) = try copy.read { db in
            (try RelayStore.identity(db), try RelayStore.serverVersion(db),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM device") ?? 0,
             try String.fetchAll(db, sql: "SELECT sha256 FROM attachmentRef UNION SELECT sha256 FROM blobUploader ORDER BY 1"))
        }
        try copy.close()
        let blobs = RelayBlobStore(directory: URL(fileURLWithPath: dataDirectory))
        let photoFolder = blobFolder(of: path)
        var summary = Summary(path: path, blobFolder: photoFolder, identity: identity, serverVersion: version, deviceCount: devices,
                              blobsCopied: 0, blobBytes: 0, blobsMissing: [])
        do {
            for sha256 in hashes {
                let source = blobs.blobPath(sha256)
                guard FileManager.default.fileExists(atPath: source) else {
                    summary.blobsMissing.append(sha256)
                    continue
                }
                let target = BlobFolder.path(of: sha256, in: photoFolder)
                summary.blobBytes += try BlobFolder.copy(source, to: target)
                summary.blobsCopied += 1
            }
            try DurableFile.move(temporary, to: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if let failure = error as? FileFailure { throw RelayBackupError.file(failure) }
            throw error
        }
        return summary
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
