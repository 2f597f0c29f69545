import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// Each report's two states: `base`, merged from what the relay confirmed, and `state`, the base with
/// this device's queued operations on top.
extension Replica {
    /// Merges a confirmed operation into a report's base. The visible state follows the base when nothing
    /// of this device is queued on the report; otherwise it returns true and the caller rebuilds the state.
    @discardableResult
    func mergeIntoBase(_ operation: SyncOperation, version: Int64?, _ db: Database) throws -> Bool {
        let existing = try ReportRow.fetch(operation.reportId, db)
        var base: ReportRecord
        switch (existing?.base, operation.change) {
        case (.some(let found), _):
            base = found
            base.apply(operation)
        case (.none, .createReport(let report)):
            base = ReportRecord(created: report, stamp: operation.stamp)
        case (.none, _):
            // A report this replica does not hold (or holds only as its own unconfirmed creation).
            return existing != nil
        }
        let queued = try Bool.fetchOne(db, sql: "SELECT 1 FROM outbox WHERE reportId = ? LIMIT 1", arguments: [operation.reportId]) ?? false
        try ReportRow.save(state: queued ? (existing?.state ?? base) : base, base: base, version: max(version ?? 0, existing?.version ?? 0), db)
        return queued
    }


    /// Recomputes the visible state as the confirmed base plus the operations still queued.
    func rebuildState(of reportId: String, _ db: Database) throws {
        guard let row = try ReportRow.fetch(reportId, db) else { return }
        let decoder = WireCoding.makeDecoder()
        let pending = try Data.fetchAll(db, sql: "SELECT operation FROM outbox WHERE reportId = ? ORDER BY position", arguments: [reportId])
            .map { try decoder.decode(SyncOperation.self, from: $0) }
        guard var state = row.base else {
            // Never confirmed by the relay: nothing remains if its own creation was refused.
            if pending.isEmpty { try db.execute(sql: "DELETE FROM report WHERE id = ?", arguments: [reportId]) }
            return
        }
        for operation in pending { state.apply(operation) }
        try ReportRow.save(state: state, base: row.base, version: row.version, db)
    }
}
