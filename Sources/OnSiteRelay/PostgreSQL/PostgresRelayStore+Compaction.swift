import Foundation
import Logging
import OnSiteCore
import OnSiteCrypto
import OnSiteSync
import PostgresNIO

/// Log retention on PostgreSQL, as ``RelayStore``'s (`RelayStore+Compaction.swift`): entries older than the window
/// are folded into the records and removed, keeping their operation ids (`compacted_operation`), the versions of
/// fields never recorded (`report.field_versions`) and a checkpoint at the boundary; `relay_state` holds
/// `compactedThrough`. A device whose cursor is behind it receives a snapshot on its next pull.
///
/// Several relays on one database may run the compaction service at once: each batch holds a transaction-level
/// advisory lock, taken without waiting, so one relay folds at a time and the others skip their pass. A batch also
/// takes the log head, as a push does, so pushes wait at most for one batch and never read a half-folded log.
extension PostgresRelayStore: RelayCompactionStorage {
    /// The key of the advisory lock a compaction batch holds (the bytes of "onsite-c").
    static let compactionLockKey: Int64 = 0x6F6E_7369_7465_2D63

    /// The newest version folded out of the log (0 when nothing was).
    public func compactedThrough() async throws -> Int64 {
        try await withConnection("read how far the log is compacted") { connection in
            try await Self.compactedThrough(connection, logger: logger)
        }
    }

    static func compactedThrough(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        var through: Int64 = 0
        for try await value in try await connection.query("SELECT value FROM relay_state WHERE key = 'compactedThrough'", logger: logger)
            .decode(Int64.self) { through = value }
        return through
    }

    /// The newest version `retention` allows to fold at `now` (never past the newest version).
    public func compactionHorizon(_ retention: LogRetention, now: Date = Date()) async throws -> Int64 {
        try await withSnapshot("compute the log's compaction horizon") { connection in
            var newest: Int64 = 0
            for try await value in try await connection.query("SELECT version FROM log_head WHERE singleton = 1", logger: logger).decode(Int64.self) {
                newest = value
            }
            var horizon = newest
            if let versions = retention.retainVersions { horizon = min(horizon, newest - versions) }
            if let days = retention.retainDays {
                let cutoff = now.addingTimeInterval(-days * 86_400)
                // The newest entry of a device's change set that arrived before the cutoff (the relay's own
                // operations have no change set row and sit between them).
                var byAge: Int64 = 0
                for try await value in try await connection.query("""
                    SELECT coalesce(max(log.version), 0) FROM log JOIN change_set ON change_set.id = log.change_set_id
                    WHERE change_set.received_at < \(cutoff)
                    """, logger: logger).decode(Int64.self) { byAge = value }
                horizon = min(horizon, byAge)
            }
            return retention.compacts ? max(horizon, 0) : 0
        }
    }

    /// Folds the entries `retention` no longer keeps.
    @discardableResult
    public func compact(_ retention: LogRetention, now: Date = Date()) async throws -> CompactionSummary {
        try await compact(through: try await compactionHorizon(retention, now: now))
    }

    /// Folds every entry up to `horizon` (clamped to the newest version), a batch per transaction; stops, with what
    /// it did, when another relay is folding.
    @discardableResult
    public func compact(through horizon: Int64) async throws -> CompactionSummary {
        var removed = 0
        while true {
            let batch = try await withTransaction("compact the log through version \(horizon)") { connection -> CompactionBatch in
                var locked = false
                for try await value in try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.compactionLockKey))", logger: logger)
                    .decode(Bool.self) { locked = value }
                let from = try await Self.compactedThrough(connection, logger: logger)
                guard locked else { return CompactionBatch(through: from, removed: 0, isDone: true) }
                let head = try await lockLogHead(connection)
                let target = min(horizon, head.version)
                guard target > from else { return CompactionBatch(through: from, removed: 0, isDone: true) }
                let upTo = min(target, from + RelayStore.compactionBatch)
                let count = try await fold(after: from, through: upTo, connection)
                return CompactionBatch(through: upTo, removed: count, isDone: upTo >= target)
            }
            removed += batch.removed
            if batch.isDone { return CompactionSummary(compactedThrough: batch.through, entriesRemoved: removed) }
        }
    }

    /// Folds the entries in (from, through] out of the log, keeping what the relay still needs of them.
    private func fold(after from: Int64, through: Int64, _ connection: PostgresConnection) async throws -> Int {
        try await connection.query("""
            INSERT INTO compacted_operation (operation_id) SELECT operation_id FROM log WHERE version > \(from) AND version <= \(through)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        // A field never edited since its report's creation has no recorded version: it is the creation's.
        let firsts = try await connection.query("""
            SELECT log.report_id, min(log.version), report.field_versions FROM log JOIN report ON report.id = log.report_id
            WHERE log.version > \(from) AND log.version <= \(through) GROUP BY log.report_id, report.field_versions
            """, logger: logger)
        var filled: [(reportId: String, fieldVersions: String)] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for try await (reportId, first, stored) in firsts.decode((String, Int64, String).self) {
            var versions = (try? JSONDecoder().decode([String: Int64].self, from: Data(stored.utf8))) ?? [:]
            let missing = ReportField.allCases.filter { versions[$0.rawValue] == nil }
            guard !missing.isEmpty else { continue }
            for field in missing { versions[field.rawValue] = first }
            filled.append((reportId, String(decoding: try encoder.encode(versions), as: UTF8.self)))
        }
        for (reportId, fieldVersions) in filled {
            try await connection.query("UPDATE report SET field_versions = \(fieldVersions) WHERE id = \(reportId)", logger: logger)
        }
        // The chain stays checkable from the boundary on: its hash there is kept in a signed checkpoint.
        var boundary: [UInt8]?
        for try await hash in try await connection.query("SELECT chain_hash FROM log WHERE version = \(through)", logger: logger).decode(Data.self) {
            boundary = Array(hash)
        }
        if let boundary { try await recordCheckpoint(at: through, hash: boundary, key: checkpointKey, now: Date(), connection) }
        var count = 0
        for try await removed in try await connection.query("""
            WITH removed AS (DELETE FROM log WHERE version > \(from) AND version <= \(through) RETURNING 1) SELECT count(*) FROM removed
            """, logger: logger).decode(Int64.self) { count = Int(removed) }
        try await connection.query("""
            INSERT INTO relay_state (key, value) VALUES ('compactedThrough', \(through)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, logger: logger)
        return count
    }

    /// The log entries after `version`, unredacted, oldest first: for the administrator's tools and tests.
    public func logEntries(after version: Int64, limit: Int) async throws -> [LogEntry] {
        try await withConnection("read the log after version \(version)") { connection in
            let decoder = WireCoding.makeDecoder()
            var entries: [LogEntry] = []
            let rows = try await connection.query("""
                SELECT version, device_id, operation FROM log WHERE version > \(version) ORDER BY version LIMIT \(Int64(limit))
                """, logger: logger)
            for try await (version, deviceId, operation) in rows.decode((Int64, String, Data).self) {
                entries.append(LogEntry(version: version, deviceId: deviceId, operation: try decoder.decode(SyncOperation.self, from: operation)))
            }
            return entries
        }
    }
}

/// What one compaction batch did (a `Sendable` value to leave the transaction).
private struct CompactionBatch: Sendable {
    let through: Int64
    let removed: Int
    let isDone: Bool
}
