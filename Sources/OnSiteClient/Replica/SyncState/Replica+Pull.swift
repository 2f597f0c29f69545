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
    /// Each report the page touches is read and decoded once, takes its snapshot and all its entries in log
    /// order, and is encoded and written once (see ``ReportBatch``).
    ///
    /// A snapshot page stores its records as the confirmed base (the officer's queued operations stay on
    /// top) and keeps the cursor until the snapshot is complete; then every report it did not bring, that this
    /// replica held from before, is dropped (it left this device's scope meanwhile), and the cursor moves to
    /// the snapshot's version. An entry at or below the version a snapshot record was complete through is in
    /// that record already and is skipped.
    public func apply(_ page: PullPage, receivedAt: Date? = nil) async throws {
        let receivedAt = receivedAt ?? clock()
        try await writer.write { db in
            var clock = try setting(.clock, as: HybridClock.self, db)
            var batch = ReportBatch(db: db)
            for reportId in page.evictions {
                // Out of this device's scope now; its own queued operations stay in the outbox and are delivered.
                try batch.remove(reportId)
            }
            if let serverTime = page.serverTimeMillis {
                try setSetting(.clockOffset, serverTime - WireDate.millis(receivedAt), db)
            }
            // The relay's time as this device reckons it: pulled stamps far past it are not followed.
            let steeredNow = WireDate.millis(receivedAt) + (try setting(.clockOffset, as: Int64.self, db) ?? 0)
            var heldThrough: [String: Int64] = [:]
            for snapshot in page.snapshots {
                batch.replace(with: snapshot, version: page.serverVersion)
                heldThrough[snapshot.id] = page.serverVersion
                // The writes a record holds count as seen, as their entries would: a later edit here stamps past them.
                if let newest = snapshot.fieldStamps.values.max() { clock?.observe(newest, wallMillis: steeredNow) }
            }
            let snapshotVersion = try db.cachedStatement(sql: "SELECT snapshotVersion FROM report WHERE id = ?")
            for entry in page.changes {
                let reportId = entry.operation.reportId
                let held = try heldThrough[reportId] ?? Int64.fetchOne(snapshotVersion, arguments: [reportId]) ?? 0
                heldThrough[reportId] = held
                if entry.version > held { try batch.mergeConfirmed(entry.operation, version: entry.version) }
                clock?.observe(entry.operation.stamp, wallMillis: steeredNow)
                if case .transition = entry.operation.change {
                    // An acknowledged step of this device is now in the base, in log order (only steps wait so).
                    try db.cachedStatement(sql: "DELETE FROM outbox WHERE operationId = ? AND acknowledgedVersion IS NOT NULL")
                        .execute(arguments: [entry.operation.id.uuidString])
                }
            }
            var cursor = page.nextCursor
            if let snapshot = page.snapshot, !snapshot.isComplete {
                cursor = try setting(.cursor, as: Int64.self, db) ?? 0
            }
            // Acknowledged steps the pull will never bring back (the report left this device's units with them).
            let settled = try String.fetchAll(db, sql: "SELECT DISTINCT reportId FROM outbox WHERE acknowledgedVersion <= ?", arguments: [cursor])
            try db.execute(sql: "DELETE FROM outbox WHERE acknowledgedVersion <= ?", arguments: [cursor])
            for reportId in settled { batch.restate(reportId) }
            try batch.write()
            try Self.keepPulledEvidence(of: page, db: db)
            let markSnapshot = try db.cachedStatement(sql: "UPDATE report SET snapshotVersion = ? WHERE id = ?")
            for snapshot in page.snapshots { try markSnapshot.execute(arguments: [page.serverVersion, snapshot.id]) }
            if let snapshot = page.snapshot, !snapshot.isComplete {
                try setSetting(.snapshot, snapshot, db)
            } else if let snapshot = page.snapshot {
                // Held from before the snapshot and not in it: out of scope now. A report this device created, or
                // one whose acknowledgement came after the snapshot began, comes back with the changes since it.
                try db.execute(sql: "DELETE FROM report WHERE base IS NOT NULL AND snapshotVersion < ? AND version <= ?",
                               arguments: [snapshot.version, snapshot.version])
                try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [SettingKey.snapshot.rawValue])
            }
            if let clock { try setSetting(.clock, clock, db) }
            try setSetting(.cursor, cursor, db)
            if !page.hasMore { try setSetting(.lastSyncAt, receivedAt, db) }
        }
    }
}
