import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// The field replica: one SQLite file (WAL) holding the reports of the device's scope, the outbox of
/// operations not yet acknowledged, and the sync state.
///
/// Each report is kept twice: `base`, merged from what the relay confirmed, and `state`, the base
/// with the device's pending operations applied on top: what the officer sees. Every command that
/// changes data writes the new state and the queued operation in one transaction.
public struct Replica: Sendable {
    let writer: DatabasePool
    public let directory: URL

    /// Opens the replica in `directory`, creating it (and migrating it) when needed.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.directory = directory
        writer = try DatabasePool(path: directory.appendingPathComponent("replica.sqlite").path, configuration: configuration)
        try Self.migrator.migrate(writer)
    }

    /// Whether a replica already exists in `directory`.
    public static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("replica.sqlite").path)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "report") { t in
                t.primaryKey("id", .text)
                t.column("code", .text).notNull()
                t.column("status", .text).notNull()
                t.column("province", .text).notNull()
                t.column("district", .text).notNull()
                t.column("commune", .text)
                t.column("assignedUnit", .text)
                t.column("receivedAt", .datetime).notNull()
                t.column("searchText", .text).notNull()
                t.column("version", .integer).notNull().defaults(to: 0)
                t.column("base", .blob)
                t.column("state", .blob).notNull()
            }
            try db.create(index: "report_code", on: "report", columns: ["code"])
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("position")
                t.column("operationId", .text).notNull().unique()
                t.column("reportId", .text).notNull()
                t.column("operation", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("changeSetId", .text)
            }
            try db.create(index: "outbox_report", on: "outbox", columns: ["reportId"])
            try db.create(table: "pendingChangeSet") { t in
                t.primaryKey("id", .text)
                t.column("sequence", .integer).notNull()
                t.column("body", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "rejection") { t in
                t.primaryKey("operationId", .text)
                t.column("reportId", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("code", .text).notNull()
                t.column("message", .text).notNull()
                t.column("at", .datetime).notNull()
            }
        }
        return migrator
    }
}
