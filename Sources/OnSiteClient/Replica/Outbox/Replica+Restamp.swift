import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension Replica {
    /// Gives the frozen change set's operations new stamps from the relay's time, as this device now reckons
    /// it (the clock offset of the last pull): the answer to `stamp_in_future`, when the device clock ran ahead
    /// while the operations were made. The relay applied nothing of a refused change set, so its operations
    /// can take new stamps; they keep their ids, contents and order. Returns how many were re-stamped.
    @discardableResult
    public func restampFrozenChangeSet(now: Date? = nil) async throws -> Int {
        let now = now ?? clock()
        return try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, body FROM pendingChangeSet ORDER BY sequence LIMIT 1") else { return 0 }
            let id: String = row["id"]
            var changeSet = try WireCoding.decode(ChangeSet.self, from: row["body"] as Data)
            let offset = try setting(.clockOffset, as: Int64.self, db) ?? 0
            let relayNow = WireDate.millis(now) + offset
            let stored = try setting(.clock, as: HybridClock.self, db) ?? HybridClock(device: changeSet.deviceId)
            // Stamps past the relay's time are what was refused: start again from it.
            var clock = stored.last.wallMillis > relayNow ? HybridClock(device: changeSet.deviceId) : stored
            var batch = ReportBatch(db: db)
            let key = try registeredSigningKey(db)
            for index in changeSet.operations.indices {
                changeSet.operations[index].stamp = clock.tick(wallMillis: relayNow)
                changeSet.operations[index].signature = nil
                let operation = changeSet.operations[index]
                try db.execute(sql: "UPDATE outbox SET operation = ? WHERE operationId = ?",
                               arguments: [try WireCoding.encode(operation), operation.id.uuidString])
                batch.restate(operation.reportId)
            }
            // The stamp is part of what is signed: sign again.
            if let key { changeSet.operations = try changeSet.operations.map { try key.signed($0) } }
            try db.execute(sql: "UPDATE pendingChangeSet SET body = ? WHERE id = ?", arguments: [try WireCoding.encode(changeSet), id])
            try setSetting(.clock, clock, db)
            try batch.write()
            return changeSet.operations.count
        }
    }
}
