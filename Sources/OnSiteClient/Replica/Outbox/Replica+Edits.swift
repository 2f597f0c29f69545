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
        try requireRoom(forOperations: changes.count)
        return try await writer.write { db in try record(changes, now: now, db) }
    }

    /// Makes changes inside the caller's transaction, in order: each is stamped, checked as the relay would
    /// check it, applied to its report's state and queued. The enrolment, clock and cursor are read once, and
    /// each report is decoded once and written once (see ``ReportBatch``).
    func record(_ changes: [(Change, String)], now: Date, _ db: Database) throws -> [SyncOperation] {
        let enrolment = try requireEnrolment(db)
        let actor = Actor(deviceId: enrolment.profile.deviceId, role: enrolment.profile.role, units: Set(enrolment.profile.units))
        var clock = try setting(.clock, as: HybridClock.self, db) ?? HybridClock(device: actor.deviceId)
        // The relay's time, as last measured, not the device's: a clock off by hours must not win every write.
        let offset = try setting(.clockOffset, as: Int64.self, db) ?? 0
        let cursor = try setting(.cursor, as: Int64.self, db) ?? 0
        let encoder = WireCoding.makeEncoder()
        let validator = ChangeSetValidator()
        var batch = ReportBatch(db: db)
        var operations: [SyncOperation] = []
        operations.reserveCapacity(changes.count)
        for (change, reportId) in changes {
            let row = try batch.row(idOrCode: reportId)
            let stamp = clock.tick(wallMillis: WireDate.millis(now) + offset)
            let candidate = SyncOperation(reportId: row?.id ?? reportId, stamp: stamp, change: change)
            // The edge of local input: checked and put in NFC here, once.
            let operation: SyncOperation
            switch validator.check(ChangeSet(deviceId: actor.deviceId, sequence: 1, baseVersion: 0, operations: [candidate])) {
            case .success(let checked): operation = checked.operations[0]
            case .failure(let error): throw ClientError.invalidInput(error.message)
            }
            if let refusal = OperationCheck.refusal(of: operation, by: actor, on: row?.state) {
                throw ClientError.invalidInput(refusal.message)
            }
            if var row {
                row.state.apply(operation)
                batch.update(row)
            } else if case .createReport(let report) = operation.change {
                batch.update(ReportRow(id: operation.reportId, version: 0, base: nil, state: ReportRecord(created: report, stamp: operation.stamp)))
            } else {
                throw ClientError.unknownReport(reportId)
            }
            try db.cachedStatement(sql: "INSERT INTO outbox (operationId, reportId, operation, createdAt, baseVersion) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [operation.id.uuidString, operation.reportId, try encoder.encode(operation), now, cursor])
            operations.append(operation)
        }
        try batch.write()
        try setSetting(.clock, clock, db)
        return operations
    }
}
