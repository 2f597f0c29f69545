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
