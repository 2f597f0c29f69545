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
            var batch = LogBatch(db: db, changeSetId: changeSet.id, now: date, maxRecordBytes: limits.maxRecordBytes)
            var results: [OperationResult] = []
            for operation in changeSet.operations {
                results.append(try apply(operation, base: baseVersion, by: actor, batch: &batch))
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

    private func apply(_ operation: SyncOperation, base baseVersion: Int64, by actor: Actor, batch: inout LogBatch) throws -> OperationResult {
        let db = batch.db
        if try Self.isLogged(operation.id, db: db) {
            return OperationResult(operationId: operation.id, outcome: .duplicate)
        }
        if let refusal = try batch.deviceKeys.refusal(of: operation, deviceId: actor.deviceId, db: db) {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: refusal)
        }
        let existing = try batch.record(operation.reportId)
        let wasInScope = try existing.map { _ in
            try batch.scope(of: operation.reportId, at: baseVersion).map { actor.canSee($0) } ?? false
        } ?? false
        if let refusal = OperationCheck.refusal(of: operation, by: actor, on: existing, wasInScope: wasInScope) {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: refusal)
        }
        guard var record = existing ?? operation.createdRecord else {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: OperationCheck.outOfScope(operation.reportId, actor: actor))
        }
        let encoded = try batch.encoder.encode(operation)
        if let refusal = batch.sizeRefusal(adding: encoded.count, to: record.id, operation: operation) {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: refusal)
        }
        // A write races another when its device had not pulled the write the field holds.
        var race: (field: ReportField, held: FieldWrite)?
        if let existing, case .setField(let field, _) = operation.change, let heldStamp = existing.fieldStamps[field.rawValue],
           heldStamp.device != actor.deviceId, try batch.fieldVersion(of: field, on: record.id) > baseVersion {
            race = (field, FieldWrite(value: field.value(in: existing.report), deviceId: heldStamp.device,
                                      deviceName: try batch.deviceName(heldStamp.device), stamp: heldStamp))
        }
        let outcome: ReportRecord.MergeOutcome = existing == nil ? .applied : record.apply(operation)
        let version = try batch.append(operation, encoded: encoded, deviceId: actor.deviceId, record: record, isNew: existing == nil)
        // Every field whose held write changed now points at this version (set_field, steps, re-imports).
        for field in ReportField.allCases where record.fieldStamps[field.rawValue] != existing?.fieldStamps[field.rawValue] {
            batch.fieldVersions[record.id, default: [:]][field.rawValue] = version
        }
        if let race, case .setField(let field, let value) = operation.change {
            let incoming = FieldWrite(value: value, deviceId: actor.deviceId, deviceName: try batch.deviceName(actor.deviceId), stamp: operation.stamp)
            let conflict = FieldConflict(
                id: UUID(), reportId: record.id, field: field,
                kept: outcome == .applied ? incoming : race.held, lost: outcome == .applied ? race.held : incoming)
            try batch.appendRelayOperation(.recordConflict(conflict), to: &record)
            if value == race.held.value {
                // Both wrote the same value: kept on record, nothing for anyone to decide.
                try batch.appendRelayOperation(.resolveConflict(id: conflict.id), to: &record)
            }
        }
        batch.records[record.id] = record
        return OperationResult(operationId: operation.id, outcome: outcome == .applied ? .applied : .superseded, version: version)
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

