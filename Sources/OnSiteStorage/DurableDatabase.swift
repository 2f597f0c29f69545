import Foundation
import GRDB

/// How the client's replica and the relay's store open SQLite: a commit is on disk when it returns.
public enum DurableDatabase {
    /// Foreign keys on, a 10 s wait for a busy database, and `synchronous = FULL` (fsync on every commit).
    ///
    /// A `DatabasePool` opened with it alone does not keep `FULL`: GRDB sets the writer to `NORMAL` when it turns
    /// WAL on, after this configuration ran. Open pools with ``pool(path:configuration:)``.
    ///
    /// ```swift
    /// let queue = try DatabaseQueue(path: path, configuration: DurableDatabase.configuration)
    /// ```
    public static var configuration: Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }
}

extension DurableDatabase {
    /// A WAL pool at `path` whose writer syncs every commit (`synchronous = FULL`), so a commit that returned
    /// survives a power cut, not only a crash of the program.
    ///
    /// GRDB sets `synchronous = NORMAL` on the writer when it turns WAL on, after the configuration's
    /// `prepareDatabase` ran: in WAL mode that keeps a commit across a crash of the program, but the last commits
    /// before a power cut or a kernel crash may roll back. This sets `FULL` again once the pool is open.
    ///
    /// - Throws: GRDB's `DatabaseError` when the database cannot be opened.
    public static func pool(path: String, configuration: Configuration = configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration)
        if !configuration.readonly {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        return pool
    }

    /// Creates the database file at `path` with mode 0600 when it does not exist yet, so SQLite opens a private
    /// file whatever the umask (its `-wal` and `-shm` files take the database file's mode).
    ///
    /// - Throws: ``FileFailure`` when the file cannot be created.
    public static func createPrivately(_ path: String) throws(FileFailure) {
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileFailure("create", path) }
        close(descriptor)
    }
}
