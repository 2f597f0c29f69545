import Foundation
import GRDB

/// Checks that a database is an OnSite relay store before anything reads it as one or puts it in place.
enum RelayStoreCheck {
    static let requiredTables = ["device", "changeSet", "report", "log", "grdb_migrations"]

    /// Opens `path` read-only and checks it holds the relay's tables.
    ///
    /// - Throws: ``RelayBackupError/notRelayDatabase(_:reason:)`` for a file that is not SQLite or lacks them.
    static func openRelayStore(readOnly path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw RelayBackupError.notRelayDatabase(path, reason: reason(error))
        }
        try requireRelayTables(queue, path: path)
        return queue
    }

    /// - Throws: ``RelayBackupError/notRelayDatabase(_:reason:)`` when a relay table is missing or the file is not SQLite.
    static func requireRelayTables(_ reader: any DatabaseReader, path: String) throws {
        let tables: [String]
        do {
            tables = try reader.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        } catch let error as DatabaseError {
            throw RelayBackupError.notRelayDatabase(path, reason: reason(error))
        }
        let missing = requiredTables.filter { !tables.contains($0) }
        guard missing.isEmpty else {
            throw RelayBackupError.notRelayDatabase(path, reason: "SQLite, but without the relay's tables \(missing.joined(separator: ", "))")
        }
    }

    private static func reason(_ error: DatabaseError) -> String {
        error.resultCode == .SQLITE_NOTADB ? "not an SQLite database" : "SQLite cannot read it: \(error.message ?? "error \(error.resultCode.rawValue)")"
    }
}
