import GRDB

/// The replica's tables, migration by migration: settings, reports, the outbox and frozen change sets,
/// the relay's refusals, and the photo upload queue.
extension Replica {
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
        migrator.registerMigration("outbox base version") { db in
            // The cursor when the operation was made: the relay delivers notes and verifications made while
            // the report was in this device's scope, even if it left the scope before the sync.
            try db.alter(table: "outbox") { t in
                t.add(column: "baseVersion", .integer).notNull().defaults(to: 0)
                // Set when the relay accepted a workflow step; the row leaves when the pull brings the step back.
                t.add(column: "acknowledgedVersion", .integer)
            }
        }
        migrator.registerMigration("v2: photo uploads") { db in
            // The upload queue: one row per blob this device must send, with the offset the relay confirmed.
            try db.create(table: "photoUpload") { t in
                t.primaryKey("sha256", .text)
                t.column("byteCount", .integer).notNull().check { $0 > 0 }
                t.column("contentType", .text).notNull()
                t.column("fileName", .text).notNull()
                t.column("reportId", .text).notNull()
                t.column("state", .text).notNull().defaults(to: "queued").check { ["queued", "done", "failed"].contains($0) }
                t.column("confirmedOffset", .integer).notNull().defaults(to: 0)
                t.column("lastError", .text)
                t.column("queuedAt", .datetime).notNull()
                t.column("updatedAt", .datetime)
            }
            try db.create(index: "photoUpload_state", on: "photoUpload", columns: ["state", "queuedAt"])
        }
        migrator.registerMigration("v3: snapshots") { db in
            // The version a snapshot record was complete through: pulled entries at or below it are in the base
            // already and are skipped rather than merged again.
            try db.alter(table: "report") { t in
                t.add(column: "snapshotVersion", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v4: outbox by change set") { db in
            // Acknowledging a change set reads its operations: without this, a scan of the whole outbox each time.
            try db.create(index: "outbox_changeSet", on: "outbox", columns: ["changeSetId"])
        }
        migrator.registerMigration("v5: sent journal", migrate: createSentJournal)
        migrator.registerMigration("v6: device key") { db in try migrateDeviceKey(db) }
        migrator.registerMigration("v7: pulled signatures") { db in try migratePulledSignatures(db) }
        migrator.registerMigration("v8: refused photo downloads") { db in try migrateRefusedDownloads(db) }
        return migrator
    }
}
