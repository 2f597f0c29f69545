import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension RelayStore {
    /// The log entries after `since` on reports the actor may see now, oldest first, at most `limit`;
    /// plus whole snapshots of reports that entered the actor's scope since then (their earlier history was
    /// never sent) and the ids of reports that left it. Reporter data is redacted for the actor's role.
    ///
    /// A page holds at most `maxPageBytes` of entries and snapshots (always at least one, so a pull makes
    /// progress); what does not fit waits for the next page (`hasMore`). The page's cursor is recorded as the
    /// newest version served to the device (see ``push(_:from:limits:at:)``).
    public func pull(since: Int64, limit: Int, for actor: Actor, now: Date = Date(), maxPageBytes: Int = SyncLimits().maxPageBytes) async throws -> PullPage {
        let page = try await writer.read { db in
            try Self.page(since: since, limit: limit, for: actor, now: now, maxPageBytes: maxPageBytes, db: db)
        }
        // A cursor past the newest version (a device's `since` is its own word) serves nothing beyond it.
        let served = min(page.nextCursor, page.serverVersion)
        try await writer.write { db in
            try db.execute(sql: "UPDATE device SET servedVersion = ? WHERE id = ? AND servedVersion < ?",
                           arguments: [served, actor.deviceId, served])
        }
        return page
    }

    private static func page(since: Int64, limit: Int, for actor: Actor, now: Date, maxPageBytes: Int, db: Database) throws -> PullPage {
        let newest = try serverVersion(db)
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
        var bytes = 0
        var hasMore = false
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let data: Data = row["operation"]
            guard entries.count < limit, entries.isEmpty || bytes + data.count <= maxPageBytes else {
                hasMore = true
                break
            }
            bytes += data.count
            let operation = try decoder.decode(SyncOperation.self, from: data)
            entries.append(LogEntry(version: row["version"], deviceId: row["deviceId"], operation: Redaction.redacted(operation, for: actor.role)))
        }
        var cursor = hasMore ? (entries.last?.version ?? since) : max(since, newest)
        let moves = try scopeChanges(since: since, for: actor, budget: maxPageBytes - bytes, entryVersions: entries.map(\.version), db: db)
        if let cut = moves.cut, cut < cursor {
            // Moves past `cut` did not fit: stop the page there, so the next pull computes them.
            cursor = cut
            entries.removeAll { $0.version > cut }
            hasMore = true
        }
        return PullPage(
            changes: entries, nextCursor: cursor, hasMore: hasMore, serverVersion: newest,
            snapshots: moves.snapshots.map { Redaction.redacted($0, for: actor.role) }, evictions: moves.evictions,
            serverTimeMillis: WireDate.millis(now))
    }

    /// Reports whose unit codes changed after `since` and that the actor saw then but not now (evicted), or
    /// sees now but did not then (backfilled whole). A first pull (`since` 0) needs neither.
    ///
    /// Moves are taken in the order they happened; when the next snapshot would pass `budget` bytes, the rest
    /// is left for the next page and `cut` is the version before that move, unless nothing would remain in the
    /// page below it (the page then takes the snapshot anyway, so every pull makes progress).
    private static func scopeChanges(since: Int64, for actor: Actor, budget: Int, entryVersions: [Int64], db: Database) throws
        -> (snapshots: [ReportRecord], evictions: [String], cut: Int64?)
    {
        guard since > 0, actor.role != .admin else { return ([], [], nil) }
        var snapshots: [ReportRecord] = []
        var evictions: [String] = []
        var used = 0
        // Only reports that existed at `since` and changed place after it; a creation is not a move.
        let moved = try Row.fetchAll(db, sql: """
            SELECT moved.reportId, MIN(moved.version) AS firstMove FROM scopeLog AS moved
            WHERE moved.version > ? AND EXISTS (SELECT 1 FROM scopeLog AS earlier WHERE earlier.reportId = moved.reportId AND earlier.version <= ?)
            GROUP BY moved.reportId ORDER BY firstMove
            """, arguments: [since, since])
        for row in moved {
            let reportId: String = row["reportId"]
            let firstMove: Int64 = row["firstMove"]
            // Created after `since`: its whole history is in the log entries already.
            guard let before = try scope(of: reportId, at: since, db: db),
                  let data = try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = ?", arguments: [reportId]), !data.isEmpty
            else { continue }
            let record = try WireCoding.decode(ReportRecord.self, from: data)
            let sawBefore = actor.canSee(before)
            let seesNow = actor.canSee(record.report)
            let size = sawBefore && !seesNow ? reportId.utf8.count : (!sawBefore && seesNow ? data.count : 0)
            guard size > 0 else { continue }
            if used + size > budget {
                let keptBelow = snapshots.count + evictions.count + entryVersions.prefix { $0 < firstMove }.count
                if keptBelow > 0 { return (snapshots, evictions, firstMove - 1) }
            }
            used += size
            if seesNow { snapshots.append(record) } else { evictions.append(reportId) }
        }
        return (snapshots, evictions, nil)
    }
}
