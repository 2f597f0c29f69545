import Foundation
import GRDB

/// The replica opened for reading only: what `onsite status`, `list` and `show` use, so they keep working on a
/// full disk.
///
/// A read-write open of a WAL database writes at once: `PRAGMA synchronous`, and the `-shm` index that SQLite
/// sizes on first access. With no byte free that fails (`SQLite error 10: disk I/O error`). A read-only connection
/// still needs the `-shm` index; when SQLite cannot make it either, and no write-ahead log holds commits not yet in
/// the database file (the last writer closed cleanly), the file is read as it stands (`immutable=1`): exactly the
/// replica's content.
extension Replica {
    /// The replica needs a migration (it was made by an older onsite): a read-only open cannot do it.
    public struct ReadOnlyOpenError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path) needs a migration before it can be read; open it with a command that writes (e.g. `onsite sync`)." }
    }

    static func openForReading(_ path: String) throws -> any DatabaseWriter {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let reader: any DatabaseWriter
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try pool.read { db in _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") }
            reader = pool
        } catch let error as DatabaseError where [.SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN].contains(error.resultCode.primaryResultCode) {
            let log = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int64) ?? 0
            // Commits still in the log would be missed: say the real failure instead of showing older data.
            guard log == 0 else { throw error }
            var url = URLComponents(url: URL(fileURLWithPath: path), resolvingAgainstBaseURL: false)
            url?.queryItems = [URLQueryItem(name: "immutable", value: "1")]
            guard let uri = url?.string else { throw error }
            reader = try DatabaseQueue(path: uri, configuration: configuration)
        }
        guard try reader.read({ db in try migrator.hasCompletedMigrations(db) }) else { throw ReadOnlyOpenError(path: path) }
        return reader
    }
}
