import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// The reports one write transaction changes: each read and decoded once, changed in memory by as many
/// operations as the transaction brings, then encoded and written once by ``write()``.
///
/// A pulled page, an acknowledged change set and a batch of local writes are applied through it. When it
/// is written, every report marked by ``restate(_:)`` (or merged by ``mergeConfirmed(_:version:)``) gets its
/// visible state back in step: its confirmed base plus this device's operations still queued on it, in
/// queue order; a report never confirmed whose queue is empty is removed.
struct ReportBatch {
    let db: Database
    /// The touched reports by id, as the batch left them.
    private var rows: [String: ReportRow] = [:]
    /// Ids known to be absent (never held, or evicted in this batch).
    private var absent: Set<String> = []
    /// Human codes of the reports in `rows`, for lookups by code.
    private var codes: [String: String] = [:]
    /// Touched ids in the order they were first changed: writes go in a stable order.
    private var order: [String] = []
    private var changed: Set<String> = []
    private var stale: Set<String> = []
    /// The stored bytes of bases the batch read and did not change: written back as they were.
    private var unchangedBases: [String: Data] = [:]
    private let decoder = WireCoding.makeDecoder()
    private let encoder = WireCoding.makeEncoder()

    init(db: Database) {
        self.db = db
    }

    /// The report with this id as the batch holds it (read from the replica the first time).
    mutating func row(_ id: String) throws -> ReportRow? {
        if let row = rows[id] { return row }
        if absent.contains(id) { return nil }
        let statement = try db.cachedStatement(sql: "SELECT id, version, base, state FROM report WHERE id = ?")
        guard let found = try Row.fetchOne(statement, arguments: [id]) else {
            absent.insert(id)
            return nil
        }
        let row = try decode(found)
        remember(row, storedBase: found["base"])
        return row
    }

    /// The report with this id or human code (what a command names), as the batch holds it.
    mutating func row(idOrCode: String) throws -> ReportRow? {
        if let row = try self.row(idOrCode) { return row }
        if let id = codes[idOrCode] { return rows[id] }
        let statement = try db.cachedStatement(sql: "SELECT id, version, base, state FROM report WHERE code = ? LIMIT 1")
        guard let found = try Row.fetchOne(statement, arguments: [idOrCode]) else { return nil }
        let id: String = found["id"]
        if let held = rows[id] { return held }
        let row = try decode(found)
        remember(row, storedBase: found["base"])
        return row
    }

    /// Replaces a report's row (its visible state already includes what was applied).
    mutating func update(_ row: ReportRow) {
        remember(row)
        touch(row.id)
    }

    /// Merges an operation the relay confirmed into its report's base, in the order given; the visible state
    /// is rebuilt when the batch is written. An operation on a report this replica does not hold is skipped,
    /// unless it creates the report.
    mutating func mergeConfirmed(_ operation: SyncOperation, version: Int64?) throws {
        let id = operation.reportId
        guard var row = try self.row(id) else {
            if case .createReport(let report) = operation.change {
                let created = ReportRecord(created: report, stamp: operation.stamp)
                update(ReportRow(id: id, version: version ?? 0, base: created, state: created))
                stale.insert(id)
            }
            return
        }
        stale.insert(id)
        unchangedBases.removeValue(forKey: id)
        if var base = row.base {
            base.apply(operation)
            row.base = base
        } else if case .createReport(let report) = operation.change {
            row.base = ReportRecord(created: report, stamp: operation.stamp)
        } else {
            // Held only as this device's own unconfirmed creation: its state follows its queue.
            return
        }
        row.version = max(version ?? 0, row.version)
        update(row)
    }

    /// Takes a whole confirmed record (a snapshot) as the report's base at `version`.
    mutating func replace(with record: ReportRecord, version: Int64) {
        unchangedBases.removeValue(forKey: record.id)
        update(ReportRow(id: record.id, version: version, base: record, state: record))
        stale.insert(record.id)
    }

    /// Marks a report whose queue changed: its state is rebuilt from its base and queue when written.
    mutating func restate(_ id: String) {
        stale.insert(id)
    }

    /// Drops a report from the replica (it left this device's scope).
    mutating func remove(_ id: String) throws {
        try db.cachedStatement(sql: "DELETE FROM report WHERE id = ?").execute(arguments: [id])
        if let row = rows.removeValue(forKey: id) { codes.removeValue(forKey: row.state.report.code) }
        unchangedBases.removeValue(forKey: id)
        changed.remove(id)
        stale.remove(id)
        absent.insert(id)
    }

    /// Writes every changed report once, its stale states rebuilt from base and queue first.
    func write() throws {
        // A cold pull meets an empty outbox: no report then needs its queue read.
        let anyQueued = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM outbox)")) ?? false
        var written = Set<String>()
        for id in order + stale.filter({ !changed.contains($0) }).sorted() where written.insert(id).inserted {
            guard var row = try rows[id] ?? (absent.contains(id) ? nil : loaded(id)) else { continue }
            guard stale.contains(id) else {
                try save(row, stateIsBase: false)
                continue
            }
            let queue = anyQueued ? try queued(on: id) : []
            guard let base = row.base else {
                // Never confirmed by the relay: nothing remains if its own creation was refused.
                if queue.isEmpty {
                    try db.cachedStatement(sql: "DELETE FROM report WHERE id = ?").execute(arguments: [id])
                } else if changed.contains(id) {
                    try save(row, stateIsBase: false)
                }
                continue
            }
            row.state = base
            for operation in queue { row.state.apply(operation) }
            try save(row, stateIsBase: queue.isEmpty)
        }
    }

    // MARK: - Reading and writing rows

    private mutating func remember(_ row: ReportRow, storedBase: Data? = nil) {
        if let storedBase { unchangedBases[row.id] = storedBase }
        rows[row.id] = row
        absent.remove(row.id)
        codes[row.state.report.code] = row.id
    }

    private mutating func touch(_ id: String) {
        if changed.insert(id).inserted { order.append(id) }
    }

    /// A stale report the batch did not read yet (only marked by ``restate(_:)``).
    private func loaded(_ id: String) throws -> ReportRow? {
        let statement = try db.cachedStatement(sql: "SELECT id, version, base, state FROM report WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id]).map(decode)
    }

    private func decode(_ row: Row) throws -> ReportRow {
        ReportRow(
            id: row["id"], version: row["version"],
            base: try (row["base"] as Data?).map { try decoder.decode(ReportRecord.self, from: $0) },
            state: try decoder.decode(ReportRecord.self, from: row["state"] as Data))
    }

    /// This device's operations still queued on a report, oldest first.
    private func queued(on id: String) throws -> [SyncOperation] {
        let statement = try db.cachedStatement(sql: "SELECT operation FROM outbox WHERE reportId = ? ORDER BY position")
        return try Data.fetchAll(statement, arguments: [id]).map { try decoder.decode(SyncOperation.self, from: $0) }
    }

    /// Encodes and writes a row; when nothing of this device is queued on it, one encoding serves both columns.
    private func save(_ row: ReportRow, stateIsBase: Bool) throws {
        let state = try encoder.encode(row.state)
        let base = try stateIsBase ? state : unchangedBases[row.id] ?? row.base.map { try encoder.encode($0) }
        try ReportRow.save(row.state, encoded: state, base: base, version: row.version, db)
    }
}
