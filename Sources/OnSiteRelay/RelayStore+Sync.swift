import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension RelayStore {
    /// Applies a validated change set in one durable transaction, or returns the stored result of an
    /// earlier push of the same change set (a replay changes nothing).
    public func push(_ changeSet: ChangeSet, from actor: Actor, at date: Date = Date()) async throws -> PushResult {
        try await writer.write { db in
            if let stored = try Row.fetchOne(db, sql: "SELECT deviceId, result FROM changeSet WHERE id = ?", arguments: [changeSet.id.uuidString]) {
                guard stored["deviceId"] as String == actor.deviceId else {
                    throw RelayError.changeSetOwnedByAnother(changeSet.id)
                }
                var result = try WireCoding.decode(PushResult.self, from: stored["result"])
                result.replayed = true
                return result
            }
            let lastSequence = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM changeSet WHERE deviceId = ?", arguments: [actor.deviceId]) ?? 0
            guard changeSet.sequence > lastSequence else {
                throw RelayError.sequenceReused(changeSet.sequence, last: lastSequence)
            }
            let encoder = WireCoding.makeEncoder()
            var results: [OperationResult] = []
            var touched = TouchedReports()
            for operation in changeSet.operations {
                results.append(try apply(operation, of: changeSet, by: actor, touched: &touched, encoder: encoder, db: db))
            }
            try touched.save(encoder: encoder, db: db)
            let result = PushResult(changeSetId: changeSet.id, serverVersion: try Self.serverVersion(db), results: results)
            try db.execute(
                sql: "INSERT INTO changeSet (id, deviceId, sequence, receivedAt, result) VALUES (?, ?, ?, ?, ?)",
                arguments: [changeSet.id.uuidString, actor.deviceId, changeSet.sequence, date, try encoder.encode(result)])
            return result
        }
    }

    private func apply(_ operation: SyncOperation, of changeSet: ChangeSet, by actor: Actor, touched: inout TouchedReports, encoder: JSONEncoder, db: Database) throws -> OperationResult {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM log WHERE operationId = ?", arguments: [operation.id.uuidString]) == true {
            return OperationResult(operationId: operation.id, outcome: .duplicate)
        }
        let existing = try touched.records[operation.reportId] ?? Self.record(operation.reportId, db: db)
        if let refusal = OperationCheck.refusal(of: operation, by: actor, on: existing) {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: refusal)
        }
        var record: ReportRecord
        let outcome: ReportRecord.MergeOutcome
        switch (existing, operation.change) {
        case (.none, .createReport(let report)):
            record = ReportRecord(created: report, stamp: operation.stamp)
            outcome = .applied
        case (.some(let found), _):
            record = found
            outcome = record.apply(operation)
        case (.none, _):
            return OperationResult(operationId: operation.id, outcome: .rejected,
                                   reason: ErrorDetail(code: "unknown_report", message: "Report \(operation.reportId) does not exist on the relay."))
        }
        if existing == nil {
            // The log row references the report: insert it now, its state is written with the others.
            try touched.insertPlaceholder(record, db: db)
        }
        try db.execute(
            sql: "INSERT INTO log (operationId, changeSetId, deviceId, reportId, operation) VALUES (?, ?, ?, ?, ?)",
            arguments: [operation.id.uuidString, changeSet.id.uuidString, actor.deviceId, operation.reportId, try encoder.encode(operation)])
        let version = db.lastInsertedRowID
        touched.records[record.id] = record
        touched.versions[record.id] = version
        return OperationResult(operationId: operation.id, outcome: outcome == .applied ? .applied : .superseded, version: version)
    }

    static func record(_ id: String, db: Database) throws -> ReportRecord? {
        guard let data = try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = ?", arguments: [id]) else { return nil }
        return try WireCoding.decode(ReportRecord.self, from: data)
    }

    /// The log entries after `since` on reports the actor may see, oldest first, at most `limit`.
    public func pull(since: Int64, limit: Int, for actor: Actor) async throws -> PullPage {
        try await writer.read { db in
            let newest = try Self.serverVersion(db)
            var sql = "SELECT log.version, log.deviceId, log.operation FROM log JOIN report ON report.id = log.reportId WHERE log.version > ?"
            var arguments: StatementArguments = [since]
            if actor.role != .admin {
                let units = actor.units.sorted()
                let marks = Array(repeating: "?", count: units.count).joined(separator: ",")
                sql += " AND (report.province IN (\(marks)) OR report.district IN (\(marks)) OR report.commune IN (\(marks)) OR report.assignedUnit IN (\(marks)))"
                for _ in 0..<4 { arguments += StatementArguments(units) }
            }
            sql += " ORDER BY log.version LIMIT ?"
            arguments += [limit + 1]
            let decoder = WireCoding.makeDecoder()
            var entries: [LogEntry] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let operation = try decoder.decode(SyncOperation.self, from: row["operation"] as Data)
                entries.append(LogEntry(version: row["version"], deviceId: row["deviceId"], operation: operation))
            }
            let hasMore = entries.count > limit
            if hasMore { entries.removeLast() }
            let cursor = hasMore ? (entries.last?.version ?? since) : max(since, newest)
            return PullPage(changes: entries, nextCursor: cursor, hasMore: hasMore, serverVersion: newest)
        }
    }
}

/// The reports a change set touched, kept in memory and written once at the end of the push.
struct TouchedReports {
    var records: [String: ReportRecord] = [:]
    var versions: [String: Int64] = [:]

    func insertPlaceholder(_ record: ReportRecord, db: Database) throws {
        try db.execute(
            sql: "INSERT INTO report (id, version, province, district, state) VALUES (?, 0, ?, ?, x'')",
            arguments: [record.id, record.report.area.province, record.report.area.district])
    }

    func save(encoder: JSONEncoder, db: Database) throws {
        for (id, record) in records {
            let report = record.report
            try db.execute(
                sql: """
                    UPDATE report SET version = ?, province = ?, district = ?, commune = ?, assignedUnit = ?, state = ?
                    WHERE id = ?
                    """,
                arguments: [versions[id] ?? 0, report.area.province, report.area.district, report.area.commune,
                            report.assignedUnit, try encoder.encode(record), id])
        }
    }
}
