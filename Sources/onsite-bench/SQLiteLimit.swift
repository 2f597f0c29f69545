import Foundation
import GRDB
import OnSiteStorage

/// The floor under a phase's time: the same rows bulk-inserted into a fresh SQLite file with the same table,
/// the same indexes and the same durability (WAL, `synchronous = FULL`), through one prepared statement in one
/// transaction. Nothing is decoded, merged or encoded: what is left is SQLite's own work.
struct SQLiteLimit {
    /// A table's rows as stored in `source`, and the SQL that made the table and its indexes.
    struct TableCopy {
        var schema: [String]
        var columns: [String]
        var rows: [[DatabaseValue]]
        var bytes: Int
    }

    /// Reads a table whole (its schema, its rows in rowid order) from the database at `path`.
    static func read(table: String, from path: String) throws -> TableCopy {
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: path, configuration: configuration)
        return try source.read { db in
            let schema = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC, name",
                                             arguments: [table])
            let columns = try db.columns(in: table).map(\.name)
            var rows: [[DatabaseValue]] = []
            var bytes = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY rowid")
            while let row = try cursor.next() {
                let values = columns.map { row[$0] as DatabaseValue }
                for value in values {
                    switch value.storage {
                    case .blob(let data): bytes += data.count
                    case .string(let text): bytes += text.utf8.count
                    default: bytes += 8
                    }
                }
                rows.append(values)
            }
            return TableCopy(schema: schema, columns: columns, rows: rows, bytes: bytes)
        }
    }

    /// Creates the table and its indexes in a fresh file at `path`, then times the insert of every row
    /// (statement prepared once, one transaction, one durable commit). Returns the seconds taken.
    static func insert(_ copy: TableCopy, table: String, into path: String) throws -> Double {
        // Foreign keys point at tables this copy does not hold; the indexes and the commit are what is measured.
        var configuration = DurableDatabase.configuration
        configuration.foreignKeysEnabled = false
        let target = try DurableDatabase.pool(path: path, configuration: configuration)
        try target.write { db in
            for sql in copy.schema { try db.execute(sql: sql) }
        }
        let marks = Array(repeating: "?", count: copy.columns.count).joined(separator: ", ")
        let sql = "INSERT INTO \(table) (\(copy.columns.joined(separator: ", "))) VALUES (\(marks))"
        let start = ContinuousClock.now
        try target.write { db in
            let statement = try db.makeStatement(sql: sql)
            for row in copy.rows {
                try statement.execute(arguments: StatementArguments(row))
            }
        }
        return (ContinuousClock.now - start).seconds
    }
}

extension SQLiteLimit {
    /// Durable commits per second one writer gets from SQLite on this disk: transactions of `rowsPerCommit`
    /// small log-like rows each, WAL, `synchronous = FULL`, for about `seconds`. One commit per change set
    /// cannot go faster than this; group commit can.
    static func commitsPerSecond(rowsPerCommit: Int, seconds: Double, in path: String) throws -> Double {
        let database = try DurableDatabase.pool(path: path)
        try database.write { db in
            try db.execute(sql: "CREATE TABLE log (version INTEGER PRIMARY KEY, operationId TEXT NOT NULL UNIQUE, operation BLOB NOT NULL)")
        }
        let payload = Data(repeating: 0x6E, count: 300)
        let start = ContinuousClock.now
        var commits = 0
        while (ContinuousClock.now - start).seconds < seconds {
            try database.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO log (operationId, operation) VALUES (?, ?)")
                for _ in 0..<rowsPerCommit {
                    try statement.execute(arguments: [UUID().uuidString, payload])
                }
            }
            commits += 1
        }
        return Double(commits) / (ContinuousClock.now - start).seconds
    }
}
