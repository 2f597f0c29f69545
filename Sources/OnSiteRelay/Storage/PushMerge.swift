import Foundation
import OnSiteCore
import OnSiteSync

/// What merging a pushed operation reads and writes, whatever holds it: ``LogBatch`` reads SQLite as it goes,
/// inside the push's transaction; the PostgreSQL store loads what a change set needs in one round, merges in
/// memory, then writes the results. ``PushMerge`` is the one merge both run.
protocol MergeLedger {
    /// The push's time: the stamp of the relay's own operations.
    var now: Date { get }
    var encoder: JSONEncoder { get }
    /// Each touched report as the push left it.
    var records: [String: ReportRecord] { get set }
    /// The log version of the write each touched field holds, by report, as the push changed them.
    var fieldVersions: [String: [String: Int64]] { get set }

    /// Whether the operation is in the log already (or was folded out of it by compaction).
    mutating func isLogged(_ operationId: UUID) throws -> Bool
    /// The refusal of an operation whose signature is missing or wrong for the device's registered keys.
    mutating func signatureRefusal(of operation: SyncOperation, deviceId: String) throws -> ErrorDetail?
    /// The report as this push left it, or as stored; nil when it does not exist.
    mutating func record(_ id: String) throws -> ReportRecord?
    /// The unit codes the report was filed under at `version` (nil when it did not exist yet).
    func scope(of reportId: String, at version: Int64) throws -> ReportScope?
    /// The refusal of an operation that would take its report past the record size limit.
    func sizeRefusal(adding bytes: Int, to reportId: String, operation: SyncOperation) -> ErrorDetail?
    /// The log version of the write a field holds (its creation's when never edited).
    mutating func fieldVersion(of field: ReportField, on reportId: String) throws -> Int64
    /// A device's name for conflict records (its id when unknown).
    mutating func deviceName(_ id: String) throws -> String
    /// Appends an accepted operation to the log and returns its version.
    mutating func append(_ operation: SyncOperation, encoded: Data?, deviceId: String, record: ReportRecord, isNew: Bool) throws -> Int64
}

extension MergeLedger {
    /// Appends an operation of the relay's own (a conflict, an available blob) and merges it into `record`.
    mutating func appendRelayOperation(_ change: Change, to record: inout ReportRecord) throws {
        let operation = SyncOperation(
            reportId: record.id,
            stamp: HybridTimestamp(wallMillis: WireDate.millis(now), counter: 0, device: RelayStore.relayDeviceId),
            change: change)
        record.apply(operation)
        _ = try append(operation, encoded: nil, deviceId: RelayStore.relayDeviceId, record: record, isNew: false)
    }
}

/// The merge of one pushed operation into the relay's state (`Protocol/sync.md`, "Push"): duplicate check,
/// signature, scope and authority checks, size limit, last-writer-wins by stamp, and conflict recording for a
/// write that raced one its device had not pulled.
enum PushMerge {
    /// The refusal of an operation of `bytes` that would take a report of about `current` bytes past `limit`.
    /// Closing a conflict always fits (it makes nothing larger than a UUID).
    static func sizeRefusal(current: Int, adding bytes: Int, limit: Int, to reportId: String, operation: SyncOperation) -> ErrorDetail? {
        if case .resolveConflict = operation.change { return nil }
        guard current + bytes > limit else { return nil }
        return ErrorDetail(
            code: .recordTooLarge,
            message: "Report \(reportId) holds about \(current) bytes of notes, history and evidence records; this \(operation.change.kind.rawValue) of \(bytes) bytes would pass the relay's limit of \(limit). It was not applied; ask the relay's administrator (`limits.maxRecordBytes`).")
    }

    static func apply(_ operation: SyncOperation, base baseVersion: Int64, by actor: Actor, ledger: inout some MergeLedger) throws -> OperationResult {
        if try ledger.isLogged(operation.id) {
            return OperationResult(operationId: operation.id, outcome: .duplicate)
        }
        if let refusal = try ledger.signatureRefusal(of: operation, deviceId: actor.deviceId) {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: refusal)
        }
        let existing = try ledger.record(operation.reportId)
        let wasInScope = try existing.map { _ in
            try ledger.scope(of: operation.reportId, at: baseVersion).map { actor.canSee($0) } ?? false
        } ?? false
        if let refusal = OperationCheck.refusal(of: operation, by: actor, on: existing, wasInScope: wasInScope) {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: refusal)
        }
        guard var record = existing ?? operation.createdRecord else {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: OperationCheck.outOfScope(operation.reportId, actor: actor))
        }
        let encoded = try ledger.encoder.encode(operation)
        if let refusal = ledger.sizeRefusal(adding: encoded.count, to: record.id, operation: operation) {
            return OperationResult(operationId: operation.id, outcome: .rejected, reason: refusal)
        }
        // A write races another when its device had not pulled the write the field holds.
        var race: (field: ReportField, held: FieldWrite)?
        if let existing, case .setField(let field, _) = operation.change, let heldStamp = existing.fieldStamps[field.rawValue],
           heldStamp.device != actor.deviceId, try ledger.fieldVersion(of: field, on: record.id) > baseVersion {
            race = (field, FieldWrite(value: field.value(in: existing.report), deviceId: heldStamp.device,
                                      deviceName: try ledger.deviceName(heldStamp.device), stamp: heldStamp))
        }
        let outcome: ReportRecord.MergeOutcome = existing == nil ? .applied : record.apply(operation)
        let version = try ledger.append(operation, encoded: encoded, deviceId: actor.deviceId, record: record, isNew: existing == nil)
        // Every field whose held write changed now points at this version (set_field, steps, re-imports).
        for field in ReportField.allCases where record.fieldStamps[field.rawValue] != existing?.fieldStamps[field.rawValue] {
            ledger.fieldVersions[record.id, default: [:]][field.rawValue] = version
        }
        if let race, case .setField(let field, let value) = operation.change {
            let incoming = FieldWrite(value: value, deviceId: actor.deviceId, deviceName: try ledger.deviceName(actor.deviceId), stamp: operation.stamp)
            let conflict = FieldConflict(
                id: UUID(), reportId: record.id, field: field,
                kept: outcome == .applied ? incoming : race.held, lost: outcome == .applied ? race.held : incoming)
            try ledger.appendRelayOperation(.recordConflict(conflict), to: &record)
            if value == race.held.value {
                // Both wrote the same value: kept on record, nothing for anyone to decide.
                try ledger.appendRelayOperation(.resolveConflict(id: conflict.id), to: &record)
            }
        }
        ledger.records[record.id] = record
        return OperationResult(operationId: operation.id, outcome: outcome == .applied ? .applied : .superseded, version: version)
    }
}
