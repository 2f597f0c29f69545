import Foundation
import GRDB

/// How the client's replica and the relay's store open SQLite: a commit is on disk when it returns.
public enum DurableDatabase {
    /// Foreign keys on, a 10 s wait for a busy database, and `synchronous = FULL` (fsync on every commit).
    ///
    /// ```swift
    /// let pool = try DatabasePool(path: path, configuration: DurableDatabase.configuration)
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
