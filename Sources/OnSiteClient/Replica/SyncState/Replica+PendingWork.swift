import GRDB

extension Replica {
    /// What this device still has to send: unacknowledged operations and queued photos.
    public func pendingWork() async throws -> PendingWork {
        try await writer.read { db in
            let changes = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE acknowledgedVersion IS NULL") ?? 0
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(byteCount - confirmedOffset), 0) AS bytes FROM photoUpload WHERE state = 'queued'")
            return PendingWork(changes: changes, photos: row?["n"] ?? 0, photoBytes: row?["bytes"] ?? 0)
        }
    }

    /// Whether an operation waits in the outbox: the photo phase gives way to it (records go before photos).
    public func hasPendingOperations() async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE acknowledgedVersion IS NULL)") ?? false
        }
    }
}
