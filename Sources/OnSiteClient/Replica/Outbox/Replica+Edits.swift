import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension Replica {
    /// Makes a change on this device: stamps it, applies it to the local state and queues it,
    /// in one transaction. Returns the queued operation.
    ///
    /// - Throws: ``ClientError`` when not enrolled, the report is unknown, or the change is not
    ///   allowed for this device (the same checks the relay makes).
    @discardableResult
    public func record(_ change: Change, on reportId: String, now: Date? = nil) async throws -> SyncOperation {
        try await record([(change, reportId)], now: now)[0]
    }

    /// Makes several changes in one transaction: all are queued, or none (an import is atomic).
    @discardableResult
    public func record(_ changes: [(Change, String)], now: Date? = nil) async throws -> [SyncOperation] {
        let now = now ?? clock()
        return try await writer.write { db in
            try changes.map { change, reportId in try record(change, on: reportId, now: now, db) }
        }
    }

    func record(_ change: Change, on reportId: String, now: Date, _ db: Database) throws -> SyncOperation {
        let enrolment = try requireEnrolment(db)
        let actor = Actor(deviceId: enrolment.profile.deviceId, role: enrolment.profile.role, units: Set(enrolment.profile.units))
        let row = try ReportRow.fetch(reportId, db)
        var clock = try setting(.clock, as: HybridClock.self, db) ?? HybridClock(device: actor.deviceId)
        // The relay's time, as last measured, not the device's: a clock off by hours must not win every write.
        let offset = try setting(.clockOffset, as: Int64.self, db) ?? 0
        let stamp = clock.tick(wallMillis: WireDate.millis(now) + offset)
        let candidate = SyncOperation(reportId: row?.id ?? reportId, stamp: stamp, change: change)
        let operation: SyncOperation
        switch ChangeSetValidator().check(ChangeSet(deviceId: actor.deviceId, sequence: 1, baseVersion: 0, operations: [candidate])) {
        case .success(let checked): operation = checked.operations[0]
        case .failure(let error): throw ClientError.invalidInput(error.message)
        }
        if let refusal = OperationCheck.refusal(of: operation, by: actor, on: row?.state) {
            throw ClientError.invalidInput(refusal.message)
        }
        var state: ReportRecord
        if let existing = row?.state {
            state = existing
            state.apply(operation)
        } else if case .createReport(let report) = operation.change {
            state = ReportRecord(created: report, stamp: operation.stamp)
        } else {
            throw ClientError.unknownReport(reportId)
        }
        try ReportRow.save(state: state, base: row?.base, version: row?.version ?? 0, db)
        try db.execute(
            sql: "INSERT INTO outbox (operationId, reportId, operation, createdAt, baseVersion) VALUES (?, ?, ?, ?, ?)",
            arguments: [operation.id.uuidString, operation.reportId, try WireCoding.encode(operation), now,
                        try setting(.cursor, as: Int64.self, db) ?? 0])
        try setSetting(.clock, clock, db)
        return operation
    }
}
