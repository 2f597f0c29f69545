import Foundation
import GRDB
import OnSiteCore
import OnSiteSync
import OnSiteCrypto

/// What one compaction pass did.
public struct CompactionSummary: Sendable, Hashable {
    /// The newest version folded out of the log, after the pass (0 when nothing ever was).
    public var compactedThrough: Int64
    /// Log entries removed by this pass.
    public var entriesRemoved: Int
}

/// Log retention: entries older than the window are folded into the records and removed.
///
/// Every accepted operation is merged into its report's stored state in the transaction that appends it, so
/// removing the entry loses nothing of the record. What else the relay read from old entries is kept
/// elsewhere first, in the same transaction as the removal:
/// - operation ids (`compactedOperation`), so a device re-sending an old operation is told `duplicate`;
/// - the version of each field's write where it was never recorded (`report.fieldVersions`), so a device
///   editing from an old base still gets its concurrent write kept as a conflict;
/// - attachments (`attachmentRef`, written on append), for the blob access rules.
/// The scope history (`scopeLog`) is kept whole: it is one row per move.
///
/// A device whose cursor is behind ``compactedThrough()`` receives a snapshot on its next pull.
extension RelayStore {
    /// Versions folded in one transaction: pushes wait at most for one such batch.
    static let compactionBatch: Int64 = 5_000

    /// The newest version folded out of the log (0 when nothing was).
    public func compactedThrough() async throws -> Int64 {
        try await writer.read { db in try Self.compactedThrough(db) }
    }

    static func compactedThrough(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM relayState WHERE key = 'compactedThrough'") ?? 0
    }

    /// The newest version `retention` allows to fold at `now` (never past the newest version).
    public func compactionHorizon(_ retention: LogRetention, now: Date = Date()) async throws -> Int64 {
        try await writer.read { db in
            let newest = try Self.serverVersion(db)
            var horizon = newest
            if let versions = retention.retainVersions { horizon = min(horizon, newest - versions) }
            if let days = retention.retainDays {
                let cutoff = now.addingTimeInterval(-days * 86_400)
                // The newest entry of a device's change set that arrived before the cutoff (the relay's own
                // operations have no change set row and sit between them).
                let byAge = try Int64.fetchOne(db, sql: """
                    SELECT MAX(log.version) FROM log JOIN changeSet ON changeSet.id = log.changeSetId WHERE changeSet.receivedAt < ?
                    """, arguments: [cutoff]) ?? 0
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

    /// Folds every entry up to `horizon` (clamped to the newest version), a batch per transaction.
    @discardableResult
    public func compact(through horizon: Int64) async throws -> CompactionSummary {
        var removed = 0
        while true {
            let (through, count, done) = try await writer.write { db -> (Int64, Int, Bool) in
                let from = try Self.compactedThrough(db)
                let target = min(horizon, try Self.serverVersion(db))
                guard target > from else { return (from, 0, true) }
                let upTo = min(target, from + Self.compactionBatch)
                let count = try Self.fold(after: from, through: upTo, key: checkpointKey, db: db)
                return (upTo, count, upTo >= target)
            }
            removed += count
            if done { return CompactionSummary(compactedThrough: through, entriesRemoved: removed) }
        }
    }

    /// Folds the entries in (from, through] out of the log, keeping what the relay still needs of them.
    private static func fold(after from: Int64, through: Int64, key: Ed25519PrivateKey?, db: Database) throws -> Int {
        try db.execute(sql: """
            INSERT OR IGNORE INTO compactedOperation (operationId)
            SELECT operationId FROM log WHERE version > ? AND version <= ?
            """, arguments: [from, through])
        // A field never edited since its report's creation has no recorded version: it is the creation's.
        let firsts = try Row.fetchAll(db, sql: """
            SELECT reportId, MIN(version) AS first FROM log WHERE version > ? AND version <= ? GROUP BY reportId
            """, arguments: [from, through])
        for row in firsts {
            let reportId: String = row["reportId"]
            let first: Int64 = row["first"]
            let stored = try String.fetchOne(db, sql: "SELECT fieldVersions FROM report WHERE id = ?", arguments: [reportId]) ?? "{}"
            var versions = (try? JSONDecoder().decode([String: Int64].self, from: Data(stored.utf8))) ?? [:]
            let missing = ReportField.allCases.filter { versions[$0.rawValue] == nil }
            guard !missing.isEmpty else { continue }
            for field in missing { versions[field.rawValue] = first }
            try db.execute(sql: "UPDATE report SET fieldVersions = ? WHERE id = ?",
                           arguments: [String(decoding: try JSONEncoder().encode(versions), as: UTF8.self), reportId])
        }
        // The chain stays checkable from the boundary on: its hash there is kept in a signed checkpoint.
        try ChainCheckpoint.record(at: through, key: key, now: Date(), db: db)
        try db.execute(sql: "DELETE FROM log WHERE version > ? AND version <= ?", arguments: [from, through])
        let count = db.changesCount
        try db.execute(sql: "INSERT INTO relayState (key, value) VALUES ('compactedThrough', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [through])
        return count
    }

    /// Whether an operation id is in the log or was folded out of it.
    static func isLogged(_ operationId: UUID, db: Database) throws -> Bool {
        let id = operationId.uuidString
        return try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM log WHERE operationId = ?) OR EXISTS (SELECT 1 FROM compactedOperation WHERE operationId = ?)
            """), arguments: [id, id]) ?? false
    }

    /// The log entries after `version`, unredacted, oldest first: for the administrator's tools and tests.
    public func logEntries(after version: Int64, limit: Int) async throws -> [LogEntry] {
        try await writer.read { db in
            let decoder = WireCoding.makeDecoder()
            return try Row.fetchAll(db, sql: "SELECT version, deviceId, operation FROM log WHERE version > ? ORDER BY version LIMIT ?",
                                    arguments: [version, limit]).map { row in
                LogEntry(version: row["version"], deviceId: row["deviceId"], operation: try decoder.decode(SyncOperation.self, from: row["operation"] as Data))
            }
        }
    }
}
