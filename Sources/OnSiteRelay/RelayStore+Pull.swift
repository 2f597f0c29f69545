import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension RelayStore {
    /// The log entries after `since` on reports the actor may see now, oldest first, at most `limit`;
    /// plus whole snapshots of reports that entered the actor's scope since then (their earlier history was
    /// never sent) and the ids of reports that left it. Reporter data is redacted for the actor's role.
    public func pull(since: Int64, limit: Int, for actor: Actor, now: Date = Date()) async throws -> PullPage {
        try await writer.read { db in
            let newest = try Self.serverVersion(db)
            var sql = "SELECT log.version, log.deviceId, log.operation FROM log JOIN report ON report.id = log.reportId WHERE log.version > ?"
            var arguments: StatementArguments = [since]
            let units = actor.units.sorted()
            let marks = Array(repeating: "?", count: units.count).joined(separator: ",")
            switch actor.role {
            case .admin:
                break
            case .officer, .leader:
                // The reports assigned to their units (see ReportScope).
                sql += " AND report.assignedUnit IN (\(marks))"
                arguments += StatementArguments(units)
            case .hub, .supervisor:
                sql += " AND (report.province IN (\(marks)) OR report.district IN (\(marks)) OR report.commune IN (\(marks)) OR report.assignedUnit IN (\(marks)))"
                for _ in 0..<4 { arguments += StatementArguments(units) }
            }
            sql += " ORDER BY log.version LIMIT ?"
            arguments += [limit + 1]
            let decoder = WireCoding.makeDecoder()
            var entries: [LogEntry] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let operation = try decoder.decode(SyncOperation.self, from: row["operation"] as Data)
                entries.append(LogEntry(version: row["version"], deviceId: row["deviceId"], operation: Redaction.redacted(operation, for: actor.role)))
            }
            let hasMore = entries.count > limit
            if hasMore { entries.removeLast() }
            let cursor = hasMore ? (entries.last?.version ?? since) : max(since, newest)
            let (snapshots, evictions) = try scopeChanges(since: since, for: actor, db: db)
            return PullPage(
                changes: entries, nextCursor: cursor, hasMore: hasMore, serverVersion: newest,
                snapshots: snapshots.map { Redaction.redacted($0, for: actor.role) }, evictions: evictions,
                serverTimeMillis: Int64((now.timeIntervalSince1970 * 1000).rounded()))
        }
    }

    /// Reports whose unit codes changed after `since` and that the actor saw then but not now (evicted), or
    /// sees now but did not then (backfilled whole). A first pull (`since` 0) needs neither.
    private func scopeChanges(since: Int64, for actor: Actor, db: Database) throws -> (snapshots: [ReportRecord], evictions: [String]) {
        guard since > 0, actor.role != .admin else { return ([], []) }
        var snapshots: [ReportRecord] = []
        var evictions: [String] = []
        // Only reports that existed at `since` and changed place after it; a creation is not a move.
        let moved = try String.fetchAll(db, sql: """
            SELECT DISTINCT moved.reportId FROM scopeLog AS moved
            WHERE moved.version > ? AND EXISTS (SELECT 1 FROM scopeLog AS earlier WHERE earlier.reportId = moved.reportId AND earlier.version <= ?)
            ORDER BY moved.reportId
            """, arguments: [since, since])
        for reportId in moved {
            // Created after `since`: its whole history is in the log entries already.
            guard let before = try Self.scope(of: reportId, at: since, db: db), let record = try Self.record(reportId, db: db) else { continue }
            let sawBefore = actor.canSee(before)
            let seesNow = actor.canSee(record.report)
            if !sawBefore && seesNow { snapshots.append(record) }
            if sawBefore && !seesNow { evictions.append(reportId) }
        }
        return (snapshots, evictions)
    }
}
