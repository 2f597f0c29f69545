import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension RelayStore {
    /// `changes since V` for the device: see ``pull(_:for:now:maxPageBytes:)``.
    public func pull(since: Int64, limit: Int, for actor: Actor, now: Date = Date(), maxPageBytes: Int = SyncLimits().maxPageBytes) async throws -> PullPage {
        try await pull(PullRequest(since: since, limit: limit), for: actor, now: now, maxPageBytes: maxPageBytes)
    }

    /// One page for the device, redacted for its role.
    ///
    /// A first pull (`since` 0), a pull from a cursor older than what the log keeps (``compactedThrough()``),
    /// and the continuation of a snapshot get a **snapshot page**: the current records of the actor's scope in
    /// report id order (see ``SnapshotPosition``). Otherwise the page holds the log entries after `since` on
    /// reports the actor may see now, oldest first, at most `limit`; plus whole records of reports that entered
    /// the actor's scope since then (their earlier history was never sent) and the ids of reports that left it.
    ///
    /// A page holds at most `maxPageBytes` of entries and records (always at least one, so a pull makes
    /// progress); what does not fit waits for the next page (`hasMore`). The cursor a page hands the device is
    /// recorded as the newest version served to it (see ``push(_:from:limits:at:)``).
    public func pull(_ request: PullRequest, for actor: Actor, now: Date = Date(), maxPageBytes: Int = SyncLimits().maxPageBytes) async throws -> PullPage {
        try await servedPull(request, for: actor, now: now, maxPageBytes: maxPageBytes).decoded()
    }

    /// The page of ``pull(_:for:now:maxPageBytes:)`` with its entries as stored: an operation is decoded only
    /// when the actor's role may not read all of it (a `create_report` with a reporter to redact).
    public func servedPull(_ request: PullRequest, for actor: Actor, now: Date = Date(), maxPageBytes: Int = SyncLimits().maxPageBytes) async throws -> ServedPullPage {
        let served = try await writer.read { db in
            try Self.page(request, for: actor, now: now, maxPageBytes: maxPageBytes, db: db)
        }
        // A snapshot in progress hands no cursor yet. A cursor past the newest version (a device's `since` is its
        // own word) serves nothing beyond it.
        let page = served.page
        if page.snapshot?.isComplete == false { return served }
        let version = min(page.nextCursor, page.serverVersion)
        try await commits.write { db in
            try db.execute(sql: "UPDATE device SET servedVersion = ? WHERE id = ? AND servedVersion < ?",
                           arguments: [version, actor.deviceId, version])
        }
        return served
    }

    private static func page(_ request: PullRequest, for actor: Actor, now: Date, maxPageBytes: Int, db: Database) throws -> ServedPullPage {
        let newest = try serverVersion(db)
        let compacted = try compactedThrough(db)
        let continuing = request.snapshot.flatMap { $0.isComplete ? nil : $0 }
        if let continuing, continuing.version >= compacted {
            return try snapshotPage(request, from: continuing, for: actor, now: now, maxPageBytes: maxPageBytes, db: db)
        }
        if continuing != nil || request.since < compacted || (request.since == 0 && newest > 0) {
            // A new snapshot (or one begun before a compaction passed it: its version's changes are gone).
            let start = SnapshotPosition(version: newest, after: nil, isComplete: false)
            return try snapshotPage(request, from: start, for: actor, now: now, maxPageBytes: maxPageBytes, db: db)
        }
        return try changesPage(request, for: actor, now: now, maxPageBytes: maxPageBytes, db: db)
    }

    /// The reports of the actor's scope after `position.after`, in id order, as their current records.
    private static func snapshotPage(_ request: PullRequest, from position: SnapshotPosition, for actor: Actor, now: Date,
                                     maxPageBytes: Int, db: Database) throws -> ServedPullPage {
        let newest = try serverVersion(db)
        // The device's word for the snapshot's version: never past what exists.
        let version = min(max(position.version, 0), newest)
        let filter = scopeFilter(for: actor)
        var sql = "SELECT id, state FROM report WHERE length(state) > 0"
        var arguments = StatementArguments()
        if let after = position.after {
            sql += " AND id > ?"
            arguments += [after]
        }
        sql += filter.sql + " ORDER BY id LIMIT ?"
        arguments += filter.arguments
        arguments += [request.limit + 1]
        var records: [ReportRecord] = []
        var evidence: [LogEntry] = []
        var bytes = 0
        var complete = true
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let data: Data = row["state"]
            // Each record travels with the signed operations of its evidence, counted in the page's bytes.
            let signed: (entries: [LogEntry], bytes: Int) = try records.count < request.limit ? evidenceEntries(of: row["id"], for: actor.role, db: db) : ([], 0)
            guard records.count < request.limit, records.isEmpty || bytes + data.count + signed.bytes <= maxPageBytes else {
                complete = false
                break
            }
            bytes += data.count + signed.bytes
            evidence += signed.entries
            records.append(Redaction.redacted(try WireCoding.decode(ReportRecord.self, from: data), for: actor.role))
        }
        let reached = SnapshotPosition(version: version, after: records.last?.id ?? position.after, isComplete: complete)
        return ServedPullPage(page: PullPage(
            changes: [], nextCursor: complete ? version : request.since, hasMore: !complete || newest > version,
            serverVersion: newest, snapshots: records, serverTimeMillis: WireDate.millis(now), snapshot: reached,
            evidence: evidence, signers: try signerKeys(of: evidence, db: db)), changes: [])
    }

    /// The SQL condition (after `AND`) that keeps the reports `actor` may see, on the `report` table.
    static func scopeFilter(for actor: Actor) -> (sql: String, arguments: StatementArguments) {
        let units = actor.units.sorted()
        let marks = Array(repeating: "?", count: units.count).joined(separator: ",")
        switch actor.role {
        case .admin:
            return ("", [])
        case .officer, .leader:
            // The reports assigned to their units (see ReportScope).
            return (" AND report.assignedUnit IN (\(marks))", StatementArguments(units))
        case .hub, .supervisor:
            var arguments = StatementArguments()
            for _ in 0..<4 { arguments += StatementArguments(units) }
            return (" AND (report.province IN (\(marks)) OR report.district IN (\(marks)) OR report.commune IN (\(marks)) OR report.assignedUnit IN (\(marks)))",
                    arguments)
        }
    }

    private static func changesPage(_ request: PullRequest, for actor: Actor, now: Date, maxPageBytes: Int, db: Database) throws -> ServedPullPage {
        let since = request.since
        let limit = request.limit
        let newest = try serverVersion(db)
        let filter = scopeFilter(for: actor)
        let sql = "SELECT log.version, log.deviceId, log.operation FROM log JOIN report ON report.id = log.reportId WHERE log.version > ?"
            + filter.sql + " ORDER BY log.version LIMIT ?"
        var arguments: StatementArguments = [since]
        arguments += filter.arguments
        arguments += [limit + 1]
        var entries: [EncodedLogEntry] = []
        var keyIds: [Int64: String] = [:]
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
            let served = try ServedOperation(stored: data, for: actor.role)
            let version: Int64 = row["version"]
            entries.append(EncodedLogEntry(version: version, deviceId: row["deviceId"], operation: served.bytes))
            keyIds[version] = served.keyId
        }
        var cursor = hasMore ? (entries.last?.version ?? since) : max(since, newest)
        let moves = try scopeChanges(since: since, for: actor, budget: maxPageBytes - bytes, entryVersions: entries.map(\.version), db: db)
        if let cut = moves.cut, cut < cursor {
            // Moves past `cut` did not fit: stop the page there, so the next pull computes them.
            cursor = cut
            entries.removeAll { $0.version > cut }
            hasMore = true
        }
        // Reports backfilled whole travel with their evidence's signed operations (bounded per report).
        let evidence = try moves.snapshots.flatMap { try evidenceEntries(of: $0.id, for: actor.role, db: db).entries }
        let signers = Set(entries.compactMap { keyIds[$0.version] }).union(evidence.compactMap { $0.operation.signature?.keyId })
        let page = PullPage(
            changes: [], nextCursor: cursor, hasMore: hasMore, serverVersion: newest,
            snapshots: moves.snapshots.map { Redaction.redacted($0, for: actor.role) }, evictions: moves.evictions,
            serverTimeMillis: WireDate.millis(now), evidence: evidence, signers: try signerKeys(signers, db: db))
        return ServedPullPage(page: page, changes: entries)
    }

    /// Reports whose unit codes changed after `since`: those the actor does not see now but may hold (it saw
    /// them at `since`, or at some moment after it, when a pull or a snapshot could have served them) are
    /// evicted; those it sees now but did not at `since` are backfilled whole. A report created after `since`
    /// needs no backfill: its whole history is in the log entries.
    ///
    /// Moves are taken in the order they happened; when the next record would pass `budget` bytes, the rest
    /// is left for the next page and `cut` is the version before that move, unless nothing would remain in the
    /// page below it (the page then takes the record anyway, so every pull makes progress).
    private static func scopeChanges(since: Int64, for actor: Actor, budget: Int, entryVersions: [Int64], db: Database) throws
        -> (snapshots: [ReportRecord], evictions: [String], cut: Int64?)
    {
        guard since > 0, actor.role != .admin else { return ([], [], nil) }
        var snapshots: [ReportRecord] = []
        var evictions: [String] = []
        var used = 0
        let moved = try Row.fetchAll(db, sql: """
            SELECT reportId, MIN(version) AS firstMove FROM scopeLog WHERE version > ? GROUP BY reportId ORDER BY firstMove
            """, arguments: [since])
        for row in moved {
            let reportId: String = row["reportId"]
            let firstMove: Int64 = row["firstMove"]
            let before = try scope(of: reportId, at: since, db: db)
            let after = try String.fetchAll(db, sql: "SELECT units FROM scopeLog WHERE reportId = ? AND version > ? ORDER BY version",
                                            arguments: [reportId, since]).map(ReportScope.init(encoded:))
            guard let now = after.last else { continue }
            let sawBefore = before.map(actor.canSee) ?? false
            let seesNow = actor.canSee(now)
            let size: Int
            var record: ReportRecord?
            if seesNow {
                // Created after `since` (no scope then), or seen then: the log entries carry what it lacks.
                guard before != nil, !sawBefore,
                      let data = try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = ?", arguments: [reportId]), !data.isEmpty
                else { continue }
                record = try WireCoding.decode(ReportRecord.self, from: data)
                size = data.count
            } else {
                guard sawBefore || after.dropLast().contains(where: actor.canSee) else { continue }
                size = reportId.utf8.count
            }
            if used + size > budget {
                let keptBelow = snapshots.count + evictions.count + entryVersions.prefix { $0 < firstMove }.count
                if keptBelow > 0 { return (snapshots, evictions, firstMove - 1) }
            }
            used += size
            if let record { snapshots.append(record) } else { evictions.append(reportId) }
        }
        return (snapshots, evictions, nil)
    }
}
