import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// The pull side of sync: pages applied with the cursor and the clock offset.
extension Replica {
    /// Applies one pulled page and moves the cursor, in one transaction.
    ///
    /// Each report the page touches is read and decoded once, takes its snapshot and all its entries in log
    /// order, and is encoded and written once (see ``ReportBatch``).
    public func apply(_ page: PullPage, receivedAt: Date? = nil) async throws {
        let receivedAt = receivedAt ?? clock()
        try await writer.write { db in
            var clock = try setting(.clock, as: HybridClock.self, db)
            var batch = ReportBatch(db: db)
            for reportId in page.evictions {
                // Out of this device's scope now; its own queued operations stay in the outbox and are delivered.
                try batch.remove(reportId)
            }
            for snapshot in page.snapshots {
                batch.replace(with: snapshot, version: page.serverVersion)
            }
            if let serverTime = page.serverTimeMillis {
                try setSetting(.clockOffset, serverTime - WireDate.millis(receivedAt), db)
            }
            // The relay's time as this device reckons it: pulled stamps far past it are not followed.
            let steeredNow = WireDate.millis(receivedAt) + (try setting(.clockOffset, as: Int64.self, db) ?? 0)
            for entry in page.changes {
                try batch.mergeConfirmed(entry.operation, version: entry.version)
                clock?.observe(entry.operation.stamp, wallMillis: steeredNow)
                if case .transition = entry.operation.change {
                    // An acknowledged step of this device is now in the base, in log order (only steps wait so).
                    try db.cachedStatement(sql: "DELETE FROM outbox WHERE operationId = ? AND acknowledgedVersion IS NOT NULL")
                        .execute(arguments: [entry.operation.id.uuidString])
                }
            }
            // Acknowledged steps the pull will never bring back (the report left this device's units with them).
            let settled = try String.fetchAll(db, sql: "SELECT DISTINCT reportId FROM outbox WHERE acknowledgedVersion <= ?", arguments: [page.nextCursor])
            try db.execute(sql: "DELETE FROM outbox WHERE acknowledgedVersion <= ?", arguments: [page.nextCursor])
            for reportId in settled { batch.restate(reportId) }
            try batch.write()
            if let clock { try setSetting(.clock, clock, db) }
            try setSetting(.cursor, page.nextCursor, db)
            if !page.hasMore { try setSetting(.lastSyncAt, receivedAt, db) }
        }
    }
}
