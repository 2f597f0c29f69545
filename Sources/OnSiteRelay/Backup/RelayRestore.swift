import Foundation
import GRDB
import OnSiteStorage
import OnSiteSync

/// `onsite-relay restore --from FILE`: puts a backup in place of the relay store, in a new epoch.
///
/// Refused while a relay serves the folder (its ``RelayDataFolder`` lock is held), and for a file that is not a
/// relay store; nothing is changed then. Otherwise:
/// 1. the backup is copied (SQLite backup API) to `relay.sqlite.restoring` in the data folder, migrated, and its
///    epoch raised past both its own and the replaced store's, so every device notices the restore at its next sync;
/// 2. the backup's blobs (`FILE.blobs`) are copied into `blobs/` where missing; blobs already there stay (a blob
///    never changes, and re-delivered attachments need the ones uploaded after the backup);
/// 3. the replaced store (with its `-wal`) is kept as `relay.sqlite.before-restore-<time>`, and the copy is
///    renamed into place.
///
/// Devices enrolled after the backup are unknown to the restored store: ``Summary/devicesLost`` names them; they
/// must be enrolled again. With `keepDevices`, the replaced store's devices are carried into the restored one
/// instead: devices enrolled since keep working (and re-deliver their journal), and revocations and token
/// rotations made since stay in force.
public enum RelayRestore {
    /// What a restore did.
    public struct Summary: Sendable, Hashable {
        public var identity: RelayIdentity
        public var previousIdentity: RelayIdentity?
        /// The restored store's newest version.
        public var serverVersion: Int64
        /// The replaced store's newest version (nil when there was none).
        public var previousServerVersion: Int64?
        /// Where the replaced store was kept.
        public var keptPrevious: String?
        public var blobsCopied: Int
        /// Devices of the replaced store that the backup does not know (enrolled after it): "id (name)".
        public var devicesLost: [String]
    }

    /// Restores `backupPath` into the data folder of `storePath`.
    ///
    /// - Throws: ``RelayBackupError`` (`relayRunning`, `missing`, `notRelayDatabase`, `file`), or a `DatabaseError`
    ///   when SQLite fails; the store in place is unchanged then.
    public static func restore(from backupPath: String, storePath: String, dataDirectory: String, lockFileName: String,
                               keepDevices: Bool = false, now: Date = Date()) throws -> Summary {
        let backupPath = URL(fileURLWithPath: backupPath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: backupPath) else { throw RelayBackupError.missing(backupPath) }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let lock: DataFolderLock
        do {
            lock = try DataFolderLock(folder: dataDirectory, fileName: lockFileName)
        } catch {
            switch error {
            case .held(let folder, _, let pid): throw RelayBackupError.relayRunning(folder: folder, pid: pid)
            case .shared(let folder, _): throw RelayBackupError.relayRunning(folder: folder, pid: nil)
            case .unusable(let failure): throw RelayBackupError.file(failure)
            }
        }
        defer { withExtendedLifetime(lock) {} }

        let backup = try RelayStoreCheck.openRelayStore(readOnly: backupPath)
        let previous = try previousState(storePath)
        let staging = storePath + ".restoring"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: staging + suffix) }
        try DurableDatabase.createPrivately(staging)
        let identity: RelayIdentity
        let version: Int64
        let backupDevices: Set<String>
        do {
            let destination = try DatabaseQueue(path: staging, configuration: DurableDatabase.configuration)
            try backup.backup(to: destination)
            try backup.close()
            // A backup of an older relay gets the newer tables (and, before v7, an identity of its own).
            try RelayStore.migrator.migrate(destination)
            (identity, version, backupDevices) = try destination.write { db in
                let identity = try RelayStore.beginEpoch(after: previous?.identity?.epoch ?? 0, at: now, db: db)
                return (identity, try RelayStore.serverVersion(db), Set(try String.fetchAll(db, sql: "SELECT id FROM device")))
            }
            if keepDevices, previous != nil { try carryDevices(from: storePath, into: destination, servedAtMost: version) }
            try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try destination.close()
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: staging + suffix) }
            throw error
        }

        var blobsCopied = 0
        let blobs = RelayBlobStore(directory: URL(fileURLWithPath: dataDirectory))
        let folder = RelayBackup.blobFolder(of: backupPath)
        for sha256 in BlobFolder.hashes(in: folder) where !blobs.hasBlob(sha256) {
            _ = try BlobFolder.copy(BlobFolder.path(of: sha256, in: folder), to: blobs.blobPath(sha256))
            blobsCopied += 1
        }

        var kept: String?
        if previous != nil {
            let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
            var target = storePath + ".before-restore-" + stamp
            var suffix = 2
            while FileManager.default.fileExists(atPath: target) {
                target = storePath + ".before-restore-" + stamp + "-\(suffix)"
                suffix += 1
            }
            // The -wal first: a store renamed without it would be missing its last commits.
            for suffix in ["-wal", "-shm", ""] where FileManager.default.fileExists(atPath: storePath + suffix) {
                guard rename(storePath + suffix, target + suffix) == 0 else {
                    throw RelayBackupError.file(FileFailure("rename", storePath + suffix))
                }
            }
            kept = target
        }
        do {
            try DurableFile.move(staging, to: storePath)
        } catch {
            throw RelayBackupError.file(error)
        }
        let lost = keepDevices ? [] : (previous?.devices ?? []).filter { !backupDevices.contains($0.id) }.map { "\($0.id) (\($0.name))" }
        return Summary(identity: identity, previousIdentity: previous?.identity ?? nil, serverVersion: version,
                       previousServerVersion: previous?.version, keptPrevious: kept, blobsCopied: blobsCopied, devicesLost: lost)
    }

    /// Upserts the replaced store's devices (token hash, role, units, revocation), retired tokens and signing keys into
    /// the restored copy. A device new to the copy may claim no more than the copy's newest version as seen.
    private static func carryDevices(from storePath: String, into destination: DatabaseQueue, servedAtMost version: Int64) throws {
        try destination.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS replaced", arguments: [storePath])
            defer { try? db.execute(sql: "DETACH DATABASE replaced") }
            try db.inTransaction {
                try db.execute(sql: """
                    INSERT INTO main.device (id, name, role, units, tokenHash, createdAt, revokedAt, servedVersion)
                    SELECT id, name, role, units, tokenHash, createdAt, revokedAt, MIN(servedVersion, ?) FROM replaced.device WHERE true
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role, units = excluded.units,
                        tokenHash = excluded.tokenHash, revokedAt = excluded.revokedAt
                    """, arguments: [version])
                try db.execute(sql: """
                    INSERT OR IGNORE INTO main.retiredToken (tokenHash, deviceId, retiredAt)
                    SELECT tokenHash, deviceId, retiredAt FROM replaced.retiredToken
                    """)
                // Keys registered after the backup: what those devices signed stays checkable (`audit`, evidence).
                let replacedHasKeys = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM replaced.sqlite_master WHERE type = 'table' AND name = 'deviceKey')
                    """) ?? false
                if replacedHasKeys {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO main.deviceKey (keyId, deviceId, publicKey, registeredAt)
                        SELECT keyId, deviceId, publicKey, registeredAt FROM replaced.deviceKey
                        """)
                }
                return .commit
            }
        }
    }

    private struct PreviousState: Sendable {
        struct Device: Sendable {
            var id: String
            var name: String
        }
        /// Nil for a store made before relay migration v7.
        var identity: RelayIdentity?
        var version: Int64
        var devices: [Device]
    }

    /// The store being replaced: its epoch (the new one must pass it), version and devices. Nil when there is none.
    private static func previousState(_ storePath: String) throws -> PreviousState? {
        guard FileManager.default.fileExists(atPath: storePath) else { return nil }
        // Opened for writing: a relay that crashed left a -wal, which this open takes in.
        let pool = try DurableDatabase.pool(path: storePath)
        defer { try? pool.close() }
        try RelayStoreCheck.requireRelayTables(pool, path: storePath)
        return try pool.read { db in
            PreviousState(
                identity: try? RelayStore.identity(db), version: try RelayStore.serverVersion(db),
                devices: try Row.fetchAll(db, sql: "SELECT id, name FROM device ORDER BY createdAt").map {
                    PreviousState.Device(id: $0["id"], name: $0["name"])
                })
        }
    }
}
