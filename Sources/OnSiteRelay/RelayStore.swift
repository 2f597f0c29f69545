import Foundation
import GRDB
import OnSiteStorage
import OnSiteCrypto
import OnSiteCore
import OnSiteSync

/// The relay's embedded store: one SQLite file in WAL mode holding devices, the change log,
/// the merged reports and the results of pushed change sets.
///
/// A push is one write transaction with `synchronous = FULL`: when ``push(_:from:)`` returns,
/// the change set is on disk, and only then is it acknowledged.
public struct RelayStore: Sendable {
    let writer: any DatabaseWriter
    /// Pushes, served versions and last-seen times from concurrent requests, committed together.
    let commits: GroupCommit
    /// The reports this store last wrote, decoded (pushes read them back without decoding).
    let recordCache = DecodedRecordCache()

    /// Opens (and creates or migrates) the store at `path`.
    public init(path: String) throws {
        try DurableDatabase.createPrivately(path)
        try self.init(writer: DurableDatabase.pool(path: path, configuration: Self.configuration))
    }

    /// A store on a database of the caller's choosing, migrated: an in-memory `DatabaseQueue()` in tests
    /// (blobs then need a store opened at a path).
    public init(writer: any DatabaseWriter) throws {
        self.writer = writer
        self.commits = GroupCommit(writer: writer)
        try Self.migrator.migrate(writer)
    }

    /// The relay's own Ed25519 key, which signs log checkpoints (`Protocol/evidence.md`); nil leaves them unsigned.
    public var checkpointKey: Ed25519PrivateKey?

    /// Foreign keys on, a 10 s wait for a busy database, and full fsync on commit (``DurableDatabase``).
    public static var configuration: Configuration { DurableDatabase.configuration }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "device") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("units", .text).notNull()
                t.column("tokenHash", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("revokedAt", .datetime)
            }
            try db.create(table: "changeSet") { t in
                t.primaryKey("id", .text)
                t.column("deviceId", .text).notNull().references("device")
                t.column("sequence", .integer).notNull()
                t.column("receivedAt", .datetime).notNull()
                t.column("result", .blob).notNull()
                t.uniqueKey(["deviceId", "sequence"])
            }
            try db.create(table: "report") { t in
                t.primaryKey("id", .text)
                t.column("version", .integer).notNull()
                t.column("province", .text).notNull()
                t.column("district", .text).notNull()
                t.column("commune", .text)
                t.column("assignedUnit", .text)
                t.column("state", .blob).notNull()
            }
            try db.create(table: "log") { t in
                t.autoIncrementedPrimaryKey("version")
                t.column("operationId", .text).notNull().unique()
                t.column("changeSetId", .text).notNull()
                t.column("deviceId", .text).notNull()
                t.column("reportId", .text).notNull().references("report")
                t.column("operation", .blob).notNull()
            }
            try db.create(index: "log_report", on: "log", columns: ["reportId", "version"])
        }
        migrator.registerMigration("v2: conflicts and scope history") { db in
            // The log version of the write each field holds, to tell concurrent writes from later ones.
            try db.alter(table: "report") { t in
                t.add(column: "fieldVersions", .text).notNull().defaults(to: "{}")
            }
            // The unit codes a report was filed under from each version on: backfill and eviction.
            try db.create(table: "scopeLog") { t in
                t.column("version", .integer).notNull()
                t.column("reportId", .text).notNull()
                t.column("units", .text).notNull()
            }
            try db.create(index: "scopeLog_report", on: "scopeLog", columns: ["reportId", "version"])
            try db.create(index: "scopeLog_version", on: "scopeLog", columns: ["version"])
            // Reports that exist already start their scope history where they stand.
            for row in try Row.fetchAll(db, sql: "SELECT id, version, province, district, commune, assignedUnit FROM report") {
                let area = Set([row["province"], row["district"], row["commune"]].compactMap { $0 as String? })
                let scope = ReportScope(assignedUnit: row["assignedUnit"], area: area)
                try db.execute(sql: "INSERT INTO scopeLog (version, reportId, units) VALUES (?, ?, ?)",
                               arguments: [row["version"] as Int64, row["id"] as String, scope.encoded])
            }
        }
        migrator.registerMigration("v3: versions served to each device") { db in
            // The newest cursor a pull handed each device: the most its change sets' baseVersion may claim.
            try db.alter(table: "device") { t in
                t.add(column: "servedVersion", .integer).notNull().defaults(to: 0)
            }
            // Devices enrolled before this migration keep the trust they had: whatever they pulled is unknown.
            try db.execute(sql: "UPDATE device SET servedVersion = ?", arguments: [try serverVersion(db)])
        }
        migrator.registerMigration("v4: blob uploaders") { db in
            // Who proved possession of a blob's bytes by uploading them whole (see Protocol/uploads.md, "Access").
            try db.create(table: "blobUploader") { t in
                t.column("sha256", .text).notNull()
                t.column("deviceId", .text).notNull().references("device")
                t.column("byteCount", .integer).notNull().check { $0 > 0 }
                t.column("uploadedAt", .datetime).notNull()
                t.primaryKey(["sha256", "deviceId"])
            }
        }
        migrator.registerMigration("v5: log retention") { db in
            // The relay's own counters: `compactedThrough`, the newest version folded out of the log.
            try db.create(table: "relayState") { t in
                t.primaryKey("key", .text)
                t.column("value", .integer).notNull()
            }
            // Ids of operations whose log entries were compacted: a device re-sending one is told `duplicate`.
            try db.create(table: "compactedOperation", options: .withoutRowID) { t in
                t.primaryKey("operationId", .text)
            }
            // Which device attached which blob, with what size, to which report: the access rules of
            // Protocol/uploads.md read it instead of the log, which compaction shortens.
            try db.create(table: "attachmentRef", options: .withoutRowID) { t in
                t.column("sha256", .text).notNull()
                t.column("reportId", .text).notNull()
                t.column("deviceId", .text).notNull()
                t.column("byteCount", .integer).notNull()
                t.primaryKey(["sha256", "reportId", "deviceId", "byteCount"])
            }
            let decoder = WireCoding.makeDecoder()
            let rows = try Row.fetchCursor(db, sql: "SELECT deviceId, operation FROM log WHERE instr(operation, ?) > 0",
                                           arguments: [Data("add_attachment".utf8)])
            while let row = try rows.next() {
                guard let operation = try? decoder.decode(SyncOperation.self, from: row["operation"] as Data) else { continue }
                try AttachmentReference.record(operation, deviceId: row["deviceId"], db: db)
            }
        }
        migrator.registerMigration("v6: devices last seen and rotated tokens") { db in
            // When each device last made an authenticated request (written at most once a minute per device).
            try db.create(table: "deviceSeen") { t in
                t.primaryKey("deviceId", .text).references("device")
                t.column("lastSeenAt", .datetime).notNull()
            }
            // Tokens replaced by `onsite-relay device rotate`: refused with a sentence that says so.
            try db.create(table: "retiredToken") { t in
                t.primaryKey("tokenHash", .text)
                t.column("deviceId", .text).notNull().references("device")
                t.column("retiredAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v7: relay identity", migrate: createRelayIdentity)
        migrator.registerMigration("v8: evidence signatures") { db in try migrateEvidenceSignatures(db) }
        return migrator
    }

    /// The newest version in the log (0 when empty).
    public func serverVersion() async throws -> Int64 {
        try await writer.read { db in try Self.serverVersion(db) }
    }

    static func serverVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'log'") ?? 0
    }
}

// MARK: - Devices

extension RelayStore {
    /// Stores a new device with the hash of its token.
    public func addDevice(_ device: DeviceRecord) async throws {
        try await writer.write { db in try device.insert(db) }
    }

    /// The device a token hash belongs to, revoked or not.
    public func device(tokenHash: String) async throws -> DeviceRecord? {
        try await writer.read { db in
            try DeviceRecord.filter(DeviceRecord.Columns.tokenHash == tokenHash).fetchOne(db)
        }
    }

    public func devices() async throws -> [DeviceRecord] {
        try await writer.read { db in try DeviceRecord.order(Column("createdAt")).fetchAll(db) }
    }

    /// The newest cursor a pull has handed the device (0 before its first pull).
    public func servedVersion(of deviceId: String) async throws -> Int64 {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT servedVersion FROM device WHERE id = ?", arguments: [deviceId]) ?? 0
        }
    }

    /// Revokes a device; returns false when no such device exists.
    public func revokeDevice(id: String, at date: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE device SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [date, id])
            return try DeviceRecord.fetchOne(db, key: id) != nil
        }
    }
}
