import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// The pull side of sync: pages applied with the cursor and the clock offset.
extension Replica {
    /// The snapshot pull this replica has begun and not finished, to continue it; nil when none is.
    public func snapshotInProgress() async throws -> SnapshotPosition? {
        try await writer.read { db in try setting(.snapshot, as: SnapshotPosition.self, db) }
    }

    /// Applies one pulled page and moves the cursor, in one transaction.
    ///
    /// A snapshot page stores its records as the confirmed base (the officer's queued operations stay on
    /// top) and keeps the cursor until the snapshot is complete; then every report it did not bring, that this
    /// replica held from before, is dropped (it left this device's scope meanwhile), and the cursor moves to
    /// the snapshot's version.
    public func apply(_ page: PullPage, receivedAt: Date? = nil) async throws {
        let receivedAt = receivedAt ?? clock()
        try await writer.write { db in
            var clock = try setting(.clock, as: HybridClock.self, db)
            for reportId in page.evictions {
                // Out of this device's scope now; its own queued operations stay in the outbox and are delivered.
                try db.execute(sql: "DELETE FROM report WHERE id = ?", arguments: [reportId])
            }
            if let serverTime = page.serverTimeMillis {
                try setSetting(.clockOffset, serverTime - WireDate.millis(receivedAt), db)
            }
            // The relay's time as this device reckons it: pulled stamps far past it are not followed.
            let steeredNow = WireDate.millis(receivedAt) + (try setting(.clockOffset, as: Int64.self, db) ?? 0)
            var stale = Set<String>()
            for snapshot in page.snapshots {
                try ReportRow.save(state: snapshot, base: snapshot, version: page.serverVersion, db)
                try db.execute(sql: "UPDATE report SET snapshotVersion = ? WHERE id = ?", arguments: [page.serverVersion, snapshot.id])
                // The writes a record holds count as seen, as their entries would: a later edit here stamps past them.
                if let newest = snapshot.fieldStamps.values.max() { clock?.observe(newest, wallMillis: steeredNow) }
                stale.insert(snapshot.id)
            }
            for entry in page.changes {
                let heldThrough = try Int64.fetchOne(db, sql: "SELECT snapshotVersion FROM report WHERE id = ?", arguments: [entry.operation.reportId]) ?? 0
                // An entry a snapshot record already holds is not merged again.
                if entry.version > heldThrough, try mergeIntoBase(entry.operation, version: entry.version, db) {
                    stale.insert(entry.operation.reportId)
                }
                clock?.observe(entry.operation.stamp, wallMillis: steeredNow)
                // An acknowledged step of this device is now in the base, in log order.
                try db.execute(sql: "DELETE FROM outbox WHERE operationId = ? AND acknowledgedVersion IS NOT NULL",
                               arguments: [entry.operation.id.uuidString])
            }
            var cursor = page.nextCursor
            if let snapshot = page.snapshot, !snapshot.isComplete {
                try setSetting(.snapshot, snapshot, db)
                cursor = try setting(.cursor, as: Int64.self, db) ?? 0
            } else if let snapshot = page.snapshot {
                // Held from before the snapshot and not in it: out of scope now. A report this device created, or
                // one whose acknowledgement came after the snapshot began, comes back with the changes since it.
                try db.execute(sql: "DELETE FROM report WHERE base IS NOT NULL AND snapshotVersion < ? AND version <= ?",
                               arguments: [snapshot.version, snapshot.version])
                try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [SettingKey.snapshot.rawValue])
            }
            // Acknowledged steps the pull will never bring back (the report left this device's units with them).
            let settled = try String.fetchAll(db, sql: "SELECT DISTINCT reportId FROM outbox WHERE acknowledgedVersion <= ?", arguments: [cursor])
            try db.execute(sql: "DELETE FROM outbox WHERE acknowledgedVersion <= ?", arguments: [cursor])
            stale.formUnion(settled)
            for reportId in stale { try rebuildState(of: reportId, db) }
            if let clock { try setSetting(.clock, clock, db) }
            try setSetting(.cursor, cursor, db)
            if !page.hasMore { try setSetting(.lastSyncAt, receivedAt, db) }
        }
    }
}
