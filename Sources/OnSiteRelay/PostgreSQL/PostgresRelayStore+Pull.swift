import Foundation
import Logging
import OnSiteCore
import OnSiteSync
import PostgresNIO

extension PostgresRelayStore {
    /// One page for the device, redacted for its role: the SQLite store's pages (``RelayStore/pull(_:for:now:maxPageBytes:)``),
    /// read in one `REPEATABLE READ` snapshot. Pushes commit their versions in order (``push(_:from:limits:at:)``), so
    /// the snapshot holds every version up to `log_head` and none after it: a cursor handed out never passes a
    /// version that commits later.
    ///
    /// A first pull, a pull from a cursor older than what the log keeps (``compactedThrough()``) and a snapshot's
    /// continuation get snapshot pages; every other pull gets the log's entries. Records travel with their
    /// evidence's signed operations, and each page with the keys that signed what it carries.
    public func pull(_ request: PullRequest, for actor: Actor, now: Date, maxPageBytes: Int) async throws -> PullPage {
        try await servedPull(request, for: actor, now: now, maxPageBytes: maxPageBytes).decoded()
    }

    /// The page of ``pull(_:for:now:maxPageBytes:)`` with its entries as stored (``ServedOperation``: decoded only
    /// to redact a reporter).
    public func servedPull(_ request: PullRequest, for actor: Actor, now: Date, maxPageBytes: Int) async throws -> ServedPullPage {
        let served = try await withSnapshot("pull changes since \(request.since) for device \(actor.deviceId)") { connection in
            try await PostgresPullReader(connection: connection, actor: actor, now: now, maxPageBytes: maxPageBytes, logger: logger)
                .page(request)
        }
        let page = served.page
        if page.snapshot?.isComplete == false { return served }
        let version = min(page.nextCursor, page.serverVersion)
        _ = try await withConnection("record the version served to device \(actor.deviceId)") { connection in
            try await connection.query("""
                UPDATE device SET served_version = \(version) WHERE id = \(actor.deviceId) AND served_version < \(version)
                """, logger: logger)
        }
        return served
    }

    /// How many conflicts a pushed change set recorded: the relay's `record_conflict` operations among its versions.
    public func conflictsRecorded(by result: PushResult) async throws -> Int {
        guard !result.replayed, let first = result.results.compactMap(\.version).min() else { return 0 }
        return try await withConnection("count the conflicts of change set \(result.changeSetId)") { connection in
            let rows = try await connection.query("""
                SELECT operation FROM log WHERE version > \(first) AND version <= \(result.serverVersion) AND device_id = \(RelayStore.relayDeviceId)
                """, logger: logger)
            var count = 0
            for try await data in rows.decode(Data.self) {
                if case .recordConflict = try WireCoding.decode(SyncOperation.self, from: data).change { count += 1 }
            }
            return count
        }
    }

    /// The head of the log chain (`/healthz`): `log_head`'s version and hash.
    public func chainHead() async throws -> ChainHead {
        try await withConnection("read the log chain's head") { connection in
            var head = ChainHead(version: 0, hash: Data(LogChain.genesis).hexadecimal)
            for try await (version, hash) in try await connection.query("SELECT version, chain_hash FROM log_head WHERE singleton = 1", logger: logger)
                .decode((Int64, Data).self) {
                head = ChainHead(version: version, hash: hash.hexadecimal)
            }
            return head
        }
    }
}

extension PostgresRelayStore: RelaySyncStorage {}

/// The reads of one pull, inside its snapshot.
private struct PostgresPullReader {
    let connection: PostgresConnection
    let actor: Actor
    let now: Date
    let maxPageBytes: Int
    let logger: Logger

    func page(_ request: PullRequest) async throws -> ServedPullPage {
        let newest = try await serverVersion()
        let compacted = try await PostgresRelayStore.compactedThrough(connection, logger: logger)
        let continuing = request.snapshot.flatMap { $0.isComplete ? nil : $0 }
        if let continuing, continuing.version >= compacted {
            return try await snapshotPage(request, from: continuing, newest: newest)
        }
        if continuing != nil || request.since < compacted || (request.since == 0 && newest > 0) {
            // A new snapshot (or one begun before a compaction passed it: its version's changes are gone).
            return try await snapshotPage(request, from: SnapshotPosition(version: newest, after: nil, isComplete: false), newest: newest)
        }
        return try await changesPage(request, newest: newest)
    }

    private var evidence: PostgresEvidenceReader { PostgresEvidenceReader(connection: connection, logger: logger) }

    private func serverVersion() async throws -> Int64 {
        var version: Int64 = 0
        for try await value in try await connection.query("SELECT version FROM log_head WHERE singleton = 1", logger: logger).decode(Int64.self) {
            version = value
        }
        return version
    }

    private func snapshotPage(_ request: PullRequest, from position: SnapshotPosition, newest: Int64) async throws -> ServedPullPage {
        let version = min(max(position.version, 0), newest)
        let after = position.after ?? ""
        var statement = PostgresStatement(#"SELECT id, state FROM report WHERE length(state) > 0 AND id COLLATE "C" > "#)
        let afterPlaceholder = statement.bind(after)
        statement.append(afterPlaceholder)
        statement.appendScope(of: actor)
        let limit = statement.bind(Int64(request.limit + 1))
        statement.append(#" ORDER BY id COLLATE "C" LIMIT "# + limit)
        let rows = try await connection.query(statement.query, logger: logger)
        var found: [(id: String, state: Data)] = []
        for try await (id, state) in rows.decode((String, Data).self) { found.append((id, state)) }
        // Each record travels with the signed operations of its evidence, counted in the page's bytes.
        let signed = try await evidence.entries(of: found.prefix(request.limit).map(\.id), for: actor.role)
        var records: [ReportRecord] = []
        var entries: [LogEntry] = []
        var bytes = 0
        var complete = true
        for (id, state) in found {
            let carried: (entries: [LogEntry], bytes: Int) = records.count < request.limit ? signed[id] ?? ([], 0) : ([], 0)
            guard records.count < request.limit, records.isEmpty || bytes + state.count + carried.bytes <= maxPageBytes else {
                complete = false
                break
            }
            bytes += state.count + carried.bytes
            entries += carried.entries
            records.append(Redaction.redacted(try WireCoding.decode(ReportRecord.self, from: state), for: actor.role))
        }
        let reached = SnapshotPosition(version: version, after: records.last?.id ?? position.after, isComplete: complete)
        return ServedPullPage(page: PullPage(
            changes: [], nextCursor: complete ? version : request.since, hasMore: !complete || newest > version,
            serverVersion: newest, snapshots: records, serverTimeMillis: WireDate.millis(now), snapshot: reached,
            evidence: entries, signers: try await evidence.signerKeys(of: entries)), changes: [])
    }

    private func changesPage(_ request: PullRequest, newest: Int64) async throws -> ServedPullPage {
        let since = request.since
        var statement = PostgresStatement("SELECT log.version, log.device_id, log.operation FROM log JOIN report ON report.id = log.report_id")
        let sincePlaceholder = statement.bind(since)
        statement.append(" WHERE log.version > " + sincePlaceholder)
        statement.appendScope(of: actor)
        let limit = statement.bind(Int64(request.limit + 1))
        statement.append(" ORDER BY log.version LIMIT " + limit)
        let rows = try await connection.query(statement.query, logger: logger)
        var entries: [EncodedLogEntry] = []
        var keyIds: [Int64: String] = [:]
        var bytes = 0
        var hasMore = false
        for try await (version, deviceId, data) in rows.decode((Int64, String, Data).self) {
            guard !hasMore else { continue }
            guard entries.count < request.limit, entries.isEmpty || bytes + data.count <= maxPageBytes else {
                hasMore = true
                continue
            }
            bytes += data.count
            let served = try ServedOperation(stored: data, for: actor.role)
            entries.append(EncodedLogEntry(version: version, deviceId: deviceId, operation: served.bytes))
            keyIds[version] = served.keyId
        }
        var cursor = hasMore ? (entries.last?.version ?? since) : max(since, newest)
        let moves = try await scopeChanges(since: since, budget: maxPageBytes - bytes, entryVersions: entries.map(\.version))
        if let cut = moves.cut, cut < cursor {
            cursor = cut
            entries.removeAll { $0.version > cut }
            hasMore = true
        }
        // Reports backfilled whole travel with their evidence's signed operations (bounded per report).
        let signed = try await evidence.entries(of: moves.snapshots.map(\.id), for: actor.role)
        let backfilled = moves.snapshots.flatMap { signed[$0.id]?.entries ?? [] }
        let signers = Set(entries.compactMap { keyIds[$0.version] }).union(backfilled.compactMap { $0.operation.signature?.keyId })
        let page = PullPage(
            changes: [], nextCursor: cursor, hasMore: hasMore, serverVersion: newest,
            snapshots: moves.snapshots.map { Redaction.redacted($0, for: actor.role) }, evictions: moves.evictions,
            serverTimeMillis: WireDate.millis(now), evidence: backfilled, signers: try await evidence.signerKeys(signers))
        return ServedPullPage(page: page, changes: entries)
    }

    /// Reports whose units changed after `since`: evicted or backfilled, as ``RelayStore``'s pull does.
    private func scopeChanges(since: Int64, budget: Int, entryVersions: [Int64]) async throws
        -> (snapshots: [ReportRecord], evictions: [String], cut: Int64?)
    {
        guard since > 0, actor.role != .admin else { return ([], [], nil) }
        var history: [String: (before: ReportScope?, after: [ReportScope], firstMove: Int64)] = [:]
        var order: [String] = []
        let moves = try await connection.query("""
            SELECT report_id, version, units FROM scope_log
            WHERE report_id IN (SELECT report_id FROM scope_log WHERE version > \(since))
            ORDER BY report_id, version
            """, logger: logger)
        for try await (reportId, version, units) in moves.decode((String, Int64, String).self) {
            var entry = history[reportId] ?? (nil, [], Int64.max)
            if version <= since {
                entry.before = ReportScope(encoded: units)
            } else {
                entry.after.append(ReportScope(encoded: units))
                entry.firstMove = min(entry.firstMove, version)
            }
            history[reportId] = entry
        }
        order = history.keys.sorted { (history[$0]?.firstMove ?? 0, $0) < (history[$1]?.firstMove ?? 0, $1) }
        var snapshots: [ReportRecord] = []
        var evictions: [String] = []
        var used = 0
        for reportId in order {
            guard let entry = history[reportId], let now = entry.after.last else { continue }
            let sawBefore = entry.before.map(actor.canSee) ?? false
            let size: Int
            var record: ReportRecord?
            if actor.canSee(now) {
                guard entry.before != nil, !sawBefore, let state = try await state(of: reportId) else { continue }
                record = try WireCoding.decode(ReportRecord.self, from: state)
                size = state.count
            } else {
                guard sawBefore || entry.after.dropLast().contains(where: actor.canSee) else { continue }
                size = reportId.utf8.count
            }
            if used + size > budget {
                let keptBelow = snapshots.count + evictions.count + entryVersions.prefix { $0 < entry.firstMove }.count
                if keptBelow > 0 { return (snapshots, evictions, entry.firstMove - 1) }
            }
            used += size
            if let record { snapshots.append(record) } else { evictions.append(reportId) }
        }
        return (snapshots, evictions, nil)
    }

    private func state(of reportId: String) async throws -> Data? {
        var found: Data?
        for try await state in try await connection.query("SELECT state FROM report WHERE id = \(reportId)", logger: logger).decode(Data.self) {
            found = state
        }
        return found
    }
}
