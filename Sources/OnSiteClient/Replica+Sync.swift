import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// A change set frozen for sending: the same bytes are resent until the relay acknowledges them.
public struct OutgoingChangeSet: Sendable {
    public var id: UUID
    public var body: Data
    public var operationCount: Int

    public init(id: UUID, body: Data, operationCount: Int) {
        self.id = id
        self.body = body
        self.operationCount = operationCount
    }
}

extension Replica {
    /// The change set to send next: the frozen one if a send is unfinished, otherwise a new one made
    /// from up to `limit` queued operations. Nil when the outbox is empty.
    public func nextChangeSet(limit: Int, byteBudget: Int = 1 << 20) async throws -> OutgoingChangeSet? {
        try await writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT id, body FROM pendingChangeSet ORDER BY sequence LIMIT 1") {
                let id: String = row["id"]
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE changeSetId = ?", arguments: [id]) ?? 0
                guard let uuid = UUID(uuidString: id) else { throw ClientError.badResponse("corrupt frozen change set id \(id)") }
                return OutgoingChangeSet(id: uuid, body: row["body"], operationCount: count)
            }
            var rows: [Row] = []
            var bytes = 0
            // Stop at the byte budget too, so a change set stays well under the relay's body limit.
            for row in try Row.fetchAll(db, sql: "SELECT position, operation, baseVersion FROM outbox WHERE changeSetId IS NULL ORDER BY position LIMIT ?", arguments: [limit]) {
                bytes += (row["operation"] as Data).count
                if !rows.isEmpty, bytes > byteBudget { break }
                // One base version per change set: what the device had pulled when it made these operations.
                if let first = rows.first, first["baseVersion"] as Int64 != row["baseVersion"] as Int64 { break }
                rows.append(row)
            }
            guard !rows.isEmpty else { return nil }
            let enrolment = try requireEnrolment(db)
            let decoder = WireCoding.makeDecoder()
            let operations = try rows.map { try decoder.decode(SyncOperation.self, from: $0["operation"] as Data) }
            let sequence = try setting(.nextSequence, as: Int64.self, db) ?? 1
            let changeSet = ChangeSet(
                deviceId: enrolment.profile.deviceId, sequence: sequence,
                baseVersion: rows[0]["baseVersion"], operations: operations)
            let body = try WireCoding.encode(changeSet)
            try db.execute(sql: "INSERT INTO pendingChangeSet (id, sequence, body, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [changeSet.id.uuidString, sequence, body, Date()])
            let lastPosition: Int64 = rows[rows.count - 1]["position"]
            try db.execute(sql: "UPDATE outbox SET changeSetId = ? WHERE changeSetId IS NULL AND position <= ?",
                           arguments: [changeSet.id.uuidString, lastPosition])
            try setSetting(.nextSequence, sequence + 1, db)
            return OutgoingChangeSet(id: changeSet.id, body: body, operationCount: operations.count)
        }
    }

    /// Takes the relay's answer: accepted operations move into the confirmed base, refused ones are
    /// recorded and undone from the local state, and the change set leaves the outbox. One transaction.
    ///
    /// Accepted workflow steps are the exception: their effect depends on the steps before them in the
    /// relay's log, so they stay queued (marked acknowledged) until the pull brings them back in log order.
    public func acknowledge(_ result: PushResult) async throws {
        try await writer.write { db in
            let id = result.changeSetId.uuidString
            let decoder = WireCoding.makeDecoder()
            var operations: [UUID: SyncOperation] = [:]
            for data in try Data.fetchAll(db, sql: "SELECT operation FROM outbox WHERE changeSetId = ?", arguments: [id]) {
                let operation = try decoder.decode(SyncOperation.self, from: data)
                operations[operation.id] = operation
            }
            var touched = Set<String>()
            for outcome in result.results {
                guard let operation = operations[outcome.operationId] else { continue }
                touched.insert(operation.reportId)
                if outcome.outcome == .rejected {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO rejection (operationId, reportId, kind, code, message, at) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [operation.id.uuidString, operation.reportId, operation.change.kind.rawValue,
                                    outcome.reason?.code ?? "rejected", outcome.reason?.message ?? "refused by the relay", Date()])
                } else if case .transition = operation.change {
                    try db.execute(sql: "UPDATE outbox SET acknowledgedVersion = ? WHERE operationId = ?",
                                   arguments: [outcome.version ?? 0, operation.id.uuidString])
                    continue
                } else {
                    try mergeIntoBase(operation, version: outcome.version, db)
                }
                try db.execute(sql: "DELETE FROM outbox WHERE operationId = ?", arguments: [operation.id.uuidString])
            }
            try db.execute(sql: "DELETE FROM pendingChangeSet WHERE id = ?", arguments: [id])
            for reportId in touched {
                try rebuildState(of: reportId, db)
            }
        }
    }

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
                try setSetting(.clockOffset, serverTime - Self.millis(receivedAt), db)
            }
            // The relay's time as this device reckons it: pulled stamps far past it are not followed.
            let steeredNow = Self.millis(receivedAt) + (try setting(.clockOffset, as: Int64.self, db) ?? 0)
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

    /// Merges a confirmed operation into a report's base. The visible state follows the base when nothing
    /// of this device is queued on the report; otherwise it returns true and the caller rebuilds the state.
    @discardableResult
    private func mergeIntoBase(_ operation: SyncOperation, version: Int64?, _ db: Database) throws -> Bool {
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

    static func millis(_ date: Date) -> Int64 { WireDate.millis(date) }

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
