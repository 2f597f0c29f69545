import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// The pull side of sync: pages applied with the cursor and the clock offset.
extension Replica {
    /// Applies one pulled page and moves the cursor, in one transaction.
    public func apply(_ page: PullPage, receivedAt: Date? = nil) async throws {
        let receivedAt = receivedAt ?? clock()
        try await writer.write { db in
            var clock = try setting(.clock, as: HybridClock.self, db)
            for reportId in page.evictions {
                // Out of this device's scope now; its own queued operations stay in the outbox and are delivered.
                try db.execute(sql: "DELETE FROM report WHERE id = ?", arguments: [reportId])
            }
            var stale = Set<String>()
            for snapshot in page.snapshots {
                try ReportRow.save(state: snapshot, base: snapshot, version: page.serverVersion, db)
                stale.insert(snapshot.id)
            }
            if let serverTime = page.serverTimeMillis {
                try setSetting(.clockOffset, serverTime - WireDate.millis(receivedAt), db)
            }
            // The relay's time as this device reckons it: pulled stamps far past it are not followed.
            let steeredNow = WireDate.millis(receivedAt) + (try setting(.clockOffset, as: Int64.self, db) ?? 0)
            for entry in page.changes {
                if try mergeIntoBase(entry.operation, version: entry.version, db) { stale.insert(entry.operation.reportId) }
                clock?.observe(entry.operation.stamp, wallMillis: steeredNow)
                // An acknowledged step of this device is now in the base, in log order.
                try db.execute(sql: "DELETE FROM outbox WHERE operationId = ? AND acknowledgedVersion IS NOT NULL",
                               arguments: [entry.operation.id.uuidString])
            }
            // Acknowledged steps the pull will never bring back (the report left this device's units with them).
            let settled = try String.fetchAll(db, sql: "SELECT DISTINCT reportId FROM outbox WHERE acknowledgedVersion <= ?", arguments: [page.nextCursor])
            try db.execute(sql: "DELETE FROM outbox WHERE acknowledgedVersion <= ?", arguments: [page.nextCursor])
            stale.formUnion(settled)
            for reportId in stale { try rebuildState(of: reportId, db) }
            if let clock { try setSetting(.clock, clock, db) }
            try setSetting(.cursor, page.nextCursor, db)
            if !page.hasMore { try setSetting(.lastSyncAt, receivedAt, db) }
        }
    }
}
