import Foundation
import GRDB
import Logging
import PostgresNIO

/// One table of the SQLite store and where its rows go in the PostgreSQL store: column by column, read in key order
/// in batches (a few hundred rows, a few megabytes at most) and written as multi-row `INSERT`s, so a large store never
/// sits in memory whole.
struct ImportedTable: Sendable {
    enum Kind: Sendable { case text, integer, date, blob }

    struct Column: Sendable {
        let source: String
        let target: String
        let kind: Kind
        let isOptional: Bool
    }

    /// The SQLite table.
    let source: String
    /// The PostgreSQL table.
    let target: String
    /// SQLite columns that order the rows uniquely (its primary key, or `rowid`): where each batch resumes.
    let key: [String]
    let columns: [Column]

    /// The most rows and bytes in one batch.
    static let batchRows = 500
    static let batchBytes = 4 << 20

    init(_ source: String, into target: String, key: [String], _ columns: [Column]) {
        self.source = source
        self.target = target
        self.key = key
        self.columns = columns
    }

    /// A column kept under its name in snake case (`tokenHash` → `token_hash`).
    static func column(_ source: String, _ kind: Kind, optional: Bool = false) -> Column {
        var target = ""
        for character in source {
            if character.isUppercase { target += "_" + character.lowercased() } else { target.append(character) }
        }
        return Column(source: source, target: target, kind: kind, isOptional: optional)
    }

    /// One value read from SQLite, typed for PostgreSQL.
    enum Value: Sendable {
        case null, integer(Int64), text(String), blob(Data), date(Date)

        var byteCount: Int {
            switch self {
            case .null, .integer, .date: 8
            case .text(let text): text.utf8.count
            case .blob(let data): data.count
            }
        }
    }

    struct Batch: Sendable {
        var rows: [[Value]] = []
        /// The key of the last row read: the next batch starts after it.
        var lastKey: [DatabaseValue]?
    }

    // MARK: Reading SQLite

    /// The rows after `key` (from the first when nil), at most a batch.
    func batch(after key: [DatabaseValue]?, storePath: String, _ db: Database) throws -> Batch {
        let keyList = self.key.joined(separator: ", ")
        var sql = "SELECT \(keyList), \(columns.map(\.source).joined(separator: ", ")) FROM \(source)"
        if let key {
            sql += self.key.count == 1 ? " WHERE \(keyList) > ?" : " WHERE (\(keyList)) > (\(self.key.map { _ in "?" }.joined(separator: ", ")))"
        }
        sql += " ORDER BY \(keyList) LIMIT \(Self.batchRows)"
        var batch = Batch()
        var bytes = 0
        let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(key ?? []))
        while bytes < Self.batchBytes, let row = try rows.next() {
            var values: [Value] = []
            values.reserveCapacity(columns.count)
            for (index, column) in columns.enumerated() {
                let value = try Self.value(row[self.key.count + index] as DatabaseValue, column, table: source, storePath: storePath)
                bytes += value.byteCount
                values.append(value)
            }
            batch.rows.append(values)
            batch.lastKey = (0..<self.key.count).map { row[$0] as DatabaseValue }
        }
        return batch
    }

    /// The rows of the SQLite table in the snapshot.
    func sourceCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(source)") ?? 0
    }

    private static func value(_ stored: DatabaseValue, _ column: Column, table: String, storePath: String) throws -> Value {
        if stored.isNull {
            guard column.isOptional else { throw StoreImportError.sourceDamaged(storePath, "\(table).\(column.source) is empty in a row") }
            return .null
        }
        let value: Value? = switch column.kind {
        case .text: String.fromDatabaseValue(stored).map(Value.text)
        case .integer: Int64.fromDatabaseValue(stored).map(Value.integer)
        case .date: Date.fromDatabaseValue(stored).map(Value.date)
        case .blob: Data.fromDatabaseValue(stored).map(Value.blob)
        }
        guard let value else { throw StoreImportError.sourceDamaged(storePath, "\(table).\(column.source) holds \(stored) where a \(column.kind) belongs") }
        return value
    }

    // MARK: Writing PostgreSQL

    /// Inserts a batch in one statement.
    func insert(_ rows: [[Value]], on connection: PostgresConnection, logger: Logger) async throws {
        guard !rows.isEmpty else { return }
        var bindings = PostgresBindings(capacity: rows.count * columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            var placeholders: [String] = []
            for value in row {
                switch value {
                case .null: bindings.appendNull()
                case .integer(let integer): try bindings.append(integer)
                case .text(let text): try bindings.append(text)
                case .blob(let data): try bindings.append(data)
                case .date(let date): try bindings.append(date)
                }
                placeholders.append("$\(bindings.count)")
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let sql = "INSERT INTO \(target) (\(columns.map(\.target).joined(separator: ", "))) VALUES " + tuples.joined(separator: ", ")
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
    }

    /// The rows of the PostgreSQL table, as the copy's transaction sees them.
    func targetCount(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var count = 0
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(target)"), logger: logger).decode(Int64.self) {
            count = Int(value)
        }
        return count
    }
}

extension ImportedTable {
    /// The tables of the store, parents before the rows that reference them (PostgreSQL checks foreign keys per row).
    /// The relay's identity and the log head are single rows the schema makes, updated by ``PostgresStoreImport``.
    static let all: [ImportedTable] = [
        ImportedTable("device", into: "device", key: ["id"], [
            column("id", .text), column("name", .text), column("role", .text), column("units", .text), column("tokenHash", .text),
            column("createdAt", .date), column("revokedAt", .date, optional: true), column("servedVersion", .integer),
        ]),
        ImportedTable("retiredToken", into: "retired_token", key: ["tokenHash"], [
            column("tokenHash", .text), column("deviceId", .text), column("retiredAt", .date),
        ]),
        ImportedTable("deviceSeen", into: "device_seen", key: ["deviceId"], [column("deviceId", .text), column("lastSeenAt", .date)]),
        ImportedTable("deviceKey", into: "device_key", key: ["keyId"], [
            column("keyId", .text), column("deviceId", .text), column("publicKey", .blob), column("registeredAt", .date),
        ]),
        ImportedTable("report", into: "report", key: ["id"], [
            column("id", .text), column("version", .integer), column("province", .text), column("district", .text),
            column("commune", .text, optional: true), column("assignedUnit", .text, optional: true), column("state", .blob),
            column("fieldVersions", .text),
        ]),
        ImportedTable("changeSet", into: "change_set", key: ["id"], [
            column("id", .text), column("deviceId", .text), column("sequence", .integer), column("receivedAt", .date), column("result", .blob),
        ]),
        ImportedTable("log", into: "log", key: ["version"], [
            column("version", .integer), column("operationId", .text), column("changeSetId", .text), column("deviceId", .text),
            column("reportId", .text), column("operation", .blob), column("chainHash", .blob),
        ]),
        // No key of its own: SQLite's rowid orders it (the order it was written in).
        ImportedTable("scopeLog", into: "scope_log", key: ["rowid"], [column("version", .integer), column("reportId", .text), column("units", .text)]),
        ImportedTable("attachmentRef", into: "attachment_ref", key: ["sha256", "reportId", "deviceId", "byteCount"], [
            column("sha256", .text), column("reportId", .text), column("deviceId", .text), column("byteCount", .integer),
        ]),
        ImportedTable("blobUploader", into: "blob_uploader", key: ["sha256", "deviceId"], [
            column("sha256", .text), column("deviceId", .text), column("byteCount", .integer), column("uploadedAt", .date),
        ]),
        // `compactedThrough`, the newest version folded out of the log: pulls from before it get snapshots.
        ImportedTable("relayState", into: "relay_state", key: ["key"], [column("key", .text), column("value", .integer)]),
        ImportedTable("compactedOperation", into: "compacted_operation", key: ["operationId"], [column("operationId", .text)]),
        ImportedTable("chainCheckpoint", into: "chain_checkpoint", key: ["version"], [
            column("version", .integer), column("chainHash", .blob), column("signedAt", .date),
            column("relayKeyId", .text, optional: true), column("signature", .blob, optional: true),
        ]),
    ]
}
