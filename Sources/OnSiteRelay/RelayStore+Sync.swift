import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension RelayStore {
    /// Applies a validated change set in one durable transaction, or returns the stored result of an
    /// earlier push of the same change set (a replay changes nothing).
    ///
    /// The change set's `baseVersion` is taken as at most the newest version the relay served this device in a
    /// pull (``servedVersion(of:)``): a device cannot claim to have seen writes it was never sent, and so cannot
    /// hide a race from conflict recording, nor deliver evidence to a report it never held.
    ///
    /// Change sets pushed at the same time share one transaction and one durable commit (``GroupCommit``), each
    /// in its own savepoint; each is answered only after that commit.
    public func push(_ changeSet: ChangeSet, from actor: Actor, limits: SyncLimits = SyncLimits(), at date: Date = Date()) async throws -> PushResult {
        try await commits.write(weight: changeSet.operations.count) { db in
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
            let served = try Int64.fetchOne(db, sql: "SELECT servedVersion FROM device WHERE id = ?", arguments: [actor.deviceId]) ?? 0
            let baseVersion = min(changeSet.baseVersion, served)
            var batch = LogBatch(db: db, changeSetId: changeSet.id, now: date, maxRecordBytes: limits.maxRecordBytes,
                                 recordCache: recordCache)
            var results: [OperationResult] = []
            for operation in changeSet.operations {
                results.append(try PushMerge.apply(operation, base: baseVersion, by: actor, ledger: &batch))
            }
            try batch.save()
            try ChainCheckpoint.recordEvidence(at: batch.evidenceVersions, key: checkpointKey, now: date, db: db)
            try ChainCheckpoint.recordIfDue(key: checkpointKey, now: date, db: db)
            let result = PushResult(changeSetId: changeSet.id, serverVersion: try Self.serverVersion(db), results: results)
            try db.execute(
                sql: "INSERT INTO changeSet (id, deviceId, sequence, receivedAt, result) VALUES (?, ?, ?, ?, ?)",
                arguments: [changeSet.id.uuidString, actor.deviceId, changeSet.sequence, date, try batch.encoder.encode(result)])
            return result
        }
    }

    static func record(_ id: String, db: Database) throws -> ReportRecord? {
        guard let data = try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = ?", arguments: [id]), !data.isEmpty else { return nil }
        return try WireCoding.decode(ReportRecord.self, from: data)
    }

    /// Where a report belonged at a version (nil when it did not exist yet).
    static func scope(of reportId: String, at version: Int64, db: Database) throws -> ReportScope? {
        let statement = try db.cachedStatement(sql: "SELECT units FROM scopeLog WHERE reportId = ? AND version <= ? ORDER BY version DESC LIMIT 1")
        return try String.fetchOne(statement, arguments: [reportId, version]).map(ReportScope.init(encoded:))
    }
}

extension SyncOperation {
    /// The record a `create_report` starts.
    var createdRecord: ReportRecord? {
        guard case .createReport(let report) = change else { return nil }
        return ReportRecord(created: report, stamp: stamp)
    }
}

