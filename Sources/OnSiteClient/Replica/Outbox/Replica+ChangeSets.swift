import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// The outbox side of sync: frozen change sets and the relay's answers to them.
extension Replica {
    /// The change set to send next: the frozen one if a send is unfinished, otherwise a new one made
    /// from up to `limit` queued operations. Nil when the outbox is empty.
    public func nextChangeSet(limit: Int, byteBudget: Int = 1 << 20) async throws -> OutgoingChangeSet? {
        try await writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT id, body FROM pendingChangeSet ORDER BY sequence LIMIT 1") {
                let id: String = row["id"]
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE changeSetId = ?", arguments: [id]) ?? 0
                guard let uuid = UUID(uuidString: id) else { throw ClientError.badResponse("corrupt frozen change set id \(id)") }
                let body = try signedIfUnsigned(frozen: row["body"], id: id, db)
                return OutgoingChangeSet(id: uuid, body: body, operationCount: count)
            }
            var rows: [Row] = []
            var bytes = 0
            // Stop at the byte budget too, so a change set stays well under the relay's body limit.
            for row in try Row.fetchAll(db, sql: "SELECT position, operation, baseVersion FROM outbox WHERE changeSetId IS NULL ORDER BY position LIMIT ?", arguments: [limit]) {
                bytes += (row["operation"] as Data).count
                if !rows.isEmpty, bytes > byteBudget { break }
                // One base version per change set: what the device had pulled when it made these operations.
                if let first = rows.first, first["baseVersion"] as Int64 != row["baseVersion"] as Int64 { break }
                rows.append(row)
            }
            guard !rows.isEmpty else { return nil }
            let enrolment = try requireEnrolment(db)
            let decoder = WireCoding.makeDecoder()
            // Signed at freezing, after any re-stamp would have to sign again (`Protocol/evidence.md`).
            let key = try registeredSigningKey(db)
            let operations = try rows.map { row in
                let operation = try decoder.decode(SyncOperation.self, from: row["operation"] as Data)
                return try key?.signed(operation) ?? operation
            }
            let sequence = try setting(.nextSequence, as: Int64.self, db) ?? 1
            let changeSet = ChangeSet(
                deviceId: enrolment.profile.deviceId, sequence: sequence,
                baseVersion: rows[0]["baseVersion"], operations: operations)
            let body = try WireCoding.encode(changeSet)
            try db.execute(sql: "INSERT INTO pendingChangeSet (id, sequence, body, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [changeSet.id.uuidString, sequence, body, Date()])
            let lastPosition: Int64 = rows[rows.count - 1]["position"]
            try db.execute(sql: "UPDATE outbox SET changeSetId = ? WHERE changeSetId IS NULL AND position <= ?",
                           arguments: [changeSet.id.uuidString, lastPosition])
            try setSetting(.nextSequence, sequence + 1, db)
            return OutgoingChangeSet(id: changeSet.id, body: body, operationCount: operations.count)
        }
    }

    /// Takes the relay's answer: accepted operations move into the confirmed base, refused ones are
    /// recorded and undone from the local state, and the change set leaves the outbox. One transaction.
    ///
    /// Accepted workflow steps are the exception: their effect depends on the steps before them in the
    /// relay's log, so they stay queued (marked acknowledged) until the pull brings them back in log order.
    /// A change set frozen before this device's key was registered, signed now (a relay that already took it
    /// answers from its stored result by id, whatever the bytes); otherwise `body` unchanged.
    private func signedIfUnsigned(frozen body: Data, id: String, _ db: Database) throws -> Data {
        guard let key = try registeredSigningKey(db) else { return body }
        var changeSet = try WireCoding.decode(ChangeSet.self, from: body)
        guard changeSet.operations.contains(where: { $0.signature == nil }) else { return body }
        changeSet.operations = try changeSet.operations.map { try key.signed($0) }
        let signed = try WireCoding.encode(changeSet)
        try db.execute(sql: "UPDATE pendingChangeSet SET body = ? WHERE id = ?", arguments: [signed, id])
        return signed
    }

    public func acknowledge(_ result: PushResult) async throws {
        try await writer.write { db in
            let id = result.changeSetId.uuidString
            let decoder = WireCoding.makeDecoder()
            var operations: [UUID: SyncOperation] = [:]
            for data in try Data.fetchAll(db.cachedStatement(sql: "SELECT operation FROM outbox WHERE changeSetId = ?"), arguments: [id]) {
                let operation = try decoder.decode(SyncOperation.self, from: data)
                operations[operation.id] = operation
            }
            // Each touched report is decoded once, takes all its accepted operations, and is written once.
            var batch = ReportBatch(db: db)
            let now = Date()
            for outcome in result.results {
                guard let operation = operations[outcome.operationId] else { continue }
                batch.restate(operation.reportId)
                if outcome.outcome == .rejected {
                    try db.cachedStatement(sql: "INSERT OR REPLACE INTO rejection (operationId, reportId, kind, code, message, at) VALUES (?, ?, ?, ?, ?, ?)")
                        .execute(arguments: [operation.id.uuidString, operation.reportId, operation.change.kind.rawValue,
                                             outcome.reason?.code.rawValue ?? "rejected", outcome.reason?.message ?? "refused by the relay", now])
                } else if case .transition = operation.change {
                    try db.cachedStatement(sql: "UPDATE outbox SET acknowledgedVersion = ? WHERE operationId = ?")
                        .execute(arguments: [outcome.version ?? 0, operation.id.uuidString])
                    continue
                } else {
                    try batch.mergeConfirmed(operation, version: outcome.version)
                }
                try db.cachedStatement(sql: "DELETE FROM outbox WHERE operationId = ?").execute(arguments: [operation.id.uuidString])
            }
            try journalAcknowledged(id, operationCount: operations.count, at: clock(), db: db)
            try db.execute(sql: "DELETE FROM pendingChangeSet WHERE id = ?", arguments: [id])
            try batch.write()
        }
    }
}
