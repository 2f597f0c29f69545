import Foundation
import GRDB

extension RelayStore {
    /// Migration `v8: evidence signatures`: device keys, the log's hash chain (backfilled in version order),
    /// and the relay's signed checkpoints.
    static func migrateEvidenceSignatures(_ db: Database) throws {
        // Every public key a device registered; never deleted, so what an old key signed stays checkable.
        try db.create(table: "deviceKey") { t in
            t.primaryKey("keyId", .text)
            t.column("deviceId", .text).notNull().references("device")
            t.column("publicKey", .blob).notNull().unique()
            t.column("registeredAt", .datetime).notNull()
        }
        try db.create(index: "deviceKey_device", on: "deviceKey", columns: ["deviceId"])
        // (version, chain hash) pairs signed by the relay's key: at intervals and at each compaction boundary.
        try db.create(table: "chainCheckpoint") { t in
            t.primaryKey("version", .integer)
            t.column("chainHash", .blob).notNull()
            t.column("signedAt", .datetime).notNull()
            t.column("relayKeyId", .text)
            t.column("signature", .blob)
        }
        try db.alter(table: "log") { t in
            t.add(column: "chainHash", .blob)
        }
        // A log compacted before this migration starts its chain at the compaction boundary.
        let start = try compactedThrough(db)
        var previous = LogChain.genesis
        if start > 0 {
            try db.execute(sql: "INSERT INTO chainCheckpoint (version, chainHash, signedAt) VALUES (?, ?, ?)",
                           arguments: [start, Data(previous), Date()])
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT version, operationId, changeSetId, deviceId, reportId, operation FROM log ORDER BY version")
        let update = try db.makeStatement(sql: "UPDATE log SET chainHash = ? WHERE version = ?")
        while let row = try rows.next() {
            let entry = LogChain.Entry(version: row["version"], operationId: row["operationId"], changeSetId: row["changeSetId"],
                                       deviceId: row["deviceId"], reportId: row["reportId"], operation: row["operation"])
            previous = LogChain.hash(previous: previous, entry)
            try update.execute(arguments: [Data(previous), entry.version])
        }
    }
}
