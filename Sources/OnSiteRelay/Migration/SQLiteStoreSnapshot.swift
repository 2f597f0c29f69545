import Foundation
import GRDB

/// The SQLite relay store as of one moment, read-only: one connection that holds one read transaction from ``open(_:)``
/// to ``close()``. A move reads the store in many batches with PostgreSQL writes between them; the transaction keeps
/// every batch on the same state even if a command (`onsite-relay device add`, `compact`) writes meanwhile.
final class SQLiteStoreSnapshot: Sendable {
    let path: String
    private let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Opens `path` read-only, checks it is a relay store of this relay's schema, and begins the read transaction.
    ///
    /// - Throws: ``StoreImportError`` `notRelayStore` or `sourceSchema`.
    static func open(_ path: String) async throws -> SQLiteStoreSnapshot {
        var configuration = Configuration()
        configuration.readonly = true
        // The read transaction spans many accesses, one per batch: GRDB allows it only when asked.
        configuration.allowsUnsafeTransactions = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try RelayStoreCheck.requireRelayTables(queue, path: path)
        } catch RelayBackupError.notRelayDatabase(_, let reason) {
            throw StoreImportError.notRelayStore(path, reason: reason)
        } catch let error as DatabaseError {
            throw StoreImportError.notRelayStore(path, reason: "SQLite cannot open it: \(error.message ?? "error \(error.resultCode.rawValue)")")
        }
        let (complete, superseded) = try await queue.read { db in
            (try RelayStore.migrator.hasCompletedMigrations(db), try RelayStore.migrator.hasBeenSuperseded(db))
        }
        guard !superseded else { throw StoreImportError.sourceSchema(path, newer: true) }
        guard complete else { throw StoreImportError.sourceSchema(path, newer: false) }
        try await queue.writeWithoutTransaction { db in
            // A deferred transaction takes its snapshot at its first read: read at once.
            try db.execute(sql: "BEGIN DEFERRED TRANSACTION")
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
        }
        return SQLiteStoreSnapshot(path: path, queue: queue)
    }

    /// Runs `body` inside the snapshot's transaction.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await queue.writeWithoutTransaction { db in
            guard db.isInsideTransaction else {
                throw StoreImportError.sourceDamaged(self.path, "SQLite ended the read transaction of the move")
            }
            return try body(db)
        }
    }

    /// Ends the read transaction and closes the connection.
    func close() async {
        _ = try? await queue.writeWithoutTransaction { db in
            if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
        }
        try? queue.close()
    }
}
