import Foundation
import GRDB
import Logging
import OnSiteCore
@testable import OnSiteRelay
import OnSiteSync
import PostgresNIO

/// Edits made straight in a relay's database, past the relay, as someone covering their tracks would: the same
/// edit on either store, in its own SQL (`EvidenceAuditTests`).
struct StoreTampering {
    private enum Database {
        case sqlite(any DatabaseWriter)
        case postgresql(PostgresRelayStore)
    }

    private let database: Database
    private let logger = Logger(label: "test.tampering")

    struct UnknownStore: Error, CustomStringConvertible {
        let type: String
        var description: String { "cannot tamper with a \(type): neither RelayStore nor PostgresRelayStore" }
    }

    init(_ storage: any RelayStorage) throws {
        if let store = storage as? RelayStore {
            database = .sqlite(store.writer)
        } else if let store = storage as? PostgresRelayStore {
            database = .postgresql(store)
        } else {
            throw UnknownStore(type: "\(type(of: storage))")
        }
    }

    /// The first log version whose operation bytes contain `text` (0 when none does).
    func logVersion(containing text: String) async throws -> Int64 {
        let bytes = Data(text.utf8)
        switch database {
        case .sqlite(let writer):
            return try await writer.read { db in
                try Int64.fetchOne(db, sql: "SELECT version FROM log WHERE instr(operation, ?) > 0 ORDER BY version", arguments: [bytes]) ?? 0
            }
        case .postgresql(let store):
            return try await store.withConnection("find a log row") { connection in
                var found: Int64 = 0
                let rows = try await connection.query(
                    "SELECT version FROM log WHERE position(\(bytes) in operation) > 0 ORDER BY version LIMIT 1", logger: logger)
                for try await version in rows.decode(Int64.self) { found = version }
                return found
            }
        }
    }

    /// Replaces `old` by `new` in the operation bytes of the log row at `version`, leaving its chain hash.
    func replaceInOperation(at version: Int64, _ old: String, with new: String) async throws {
        switch database {
        case .sqlite(let writer):
            try await writer.write { db in
                try db.execute(sql: "UPDATE log SET operation = CAST(replace(CAST(operation AS TEXT), ?, ?) AS BLOB) WHERE version = ?",
                               arguments: [old, new, version])
            }
        case .postgresql(let store):
            try await store.withConnection("edit a log row") { connection in
                _ = try await connection.query("""
                    UPDATE log SET operation = convert_to(replace(convert_from(operation, 'UTF8'), \(old), \(new)), 'UTF8') WHERE version = \(version)
                    """, logger: logger)
            }
        }
    }

    /// Deletes the log row at `version`.
    func deleteLogRow(_ version: Int64) async throws {
        switch database {
        case .sqlite(let writer):
            try await writer.write { db in try db.execute(sql: "DELETE FROM log WHERE version = ?", arguments: [version]) }
        case .postgresql(let store):
            try await store.withConnection("delete a log row") { connection in
                _ = try await connection.query("DELETE FROM log WHERE version = \(version)", logger: logger)
            }
        }
    }

    /// Rewrites every chain hash from the start, as someone covering an edit would.
    func rechain() async throws {
        switch database {
        case .sqlite(let writer):
            try await writer.write { db in
                var previous = LogChain.genesis
                for row in try Row.fetchAll(db, sql: "SELECT version, operationId, changeSetId, deviceId, reportId, operation FROM log ORDER BY version") {
                    let entry = LogChain.Entry(version: row["version"], operationId: row["operationId"], changeSetId: row["changeSetId"],
                                               deviceId: row["deviceId"], reportId: row["reportId"], operation: row["operation"])
                    previous = LogChain.hash(previous: previous, entry)
                    try db.execute(sql: "UPDATE log SET chainHash = ? WHERE version = ?", arguments: [Data(previous), entry.version])
                }
            }
        case .postgresql(let store):
            try await store.withTransaction("rechain the log") { connection in
                var entries: [LogChain.Entry] = []
                let rows = try await connection.query(
                    "SELECT version, operation_id, change_set_id, device_id, report_id, operation FROM log ORDER BY version", logger: logger)
                for try await (version, operationId, changeSetId, deviceId, reportId, operation)
                    in rows.decode((Int64, String, String, String, String, Data).self) {
                    entries.append(LogChain.Entry(version: version, operationId: operationId, changeSetId: changeSetId,
                                                  deviceId: deviceId, reportId: reportId, operation: operation))
                }
                var previous = LogChain.genesis
                for entry in entries {
                    previous = LogChain.hash(previous: previous, entry)
                    try await connection.query("UPDATE log SET chain_hash = \(Data(previous)) WHERE version = \(entry.version)", logger: logger)
                }
            }
        }
    }

    /// Decodes a report's stored state, applies `edit`, and stores it again.
    func editState(of reportId: String, _ edit: @escaping @Sendable (inout ReportRecord) -> Void) async throws {
        switch database {
        case .sqlite(let writer):
            try await writer.write { db in
                let data = try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = ?", arguments: [reportId]) ?? Data()
                var record = try WireCoding.decode(ReportRecord.self, from: data)
                edit(&record)
                try db.execute(sql: "UPDATE report SET state = ? WHERE id = ?", arguments: [try WireCoding.encode(record), reportId])
            }
        case .postgresql(let store):
            try await store.withTransaction("edit a report's state") { connection in
                var data = Data()
                for try await state in try await connection.query("SELECT state FROM report WHERE id = \(reportId)", logger: logger).decode(Data.self) {
                    data = state
                }
                var record = try WireCoding.decode(ReportRecord.self, from: data)
                edit(&record)
                try await connection.query("UPDATE report SET state = \(try WireCoding.encode(record)) WHERE id = \(reportId)", logger: logger)
            }
        }
    }

    /// Overwrites the chain hash of the checkpoint at `version` with 32 zero bytes.
    func zeroCheckpointHash(at version: Int64) async throws {
        let zero = Data(count: 32)
        switch database {
        case .sqlite(let writer):
            try await writer.write { db in try db.execute(sql: "UPDATE chainCheckpoint SET chainHash = ? WHERE version = ?", arguments: [zero, version]) }
        case .postgresql(let store):
            try await store.withConnection("edit a checkpoint's hash") { connection in
                _ = try await connection.query("UPDATE chain_checkpoint SET chain_hash = \(zero) WHERE version = \(version)", logger: logger)
            }
        }
    }

    /// Flips one bit of the signature of the checkpoint at `version`.
    func flipCheckpointSignatureBit(at version: Int64) async throws {
        switch database {
        case .sqlite(let writer):
            try await writer.write { db in
                var signature = try Data.fetchOne(db, sql: "SELECT signature FROM chainCheckpoint WHERE version = ?", arguments: [version]) ?? Data()
                if !signature.isEmpty { signature[signature.startIndex] ^= 0x01 }
                try db.execute(sql: "UPDATE chainCheckpoint SET signature = ? WHERE version = ?", arguments: [signature, version])
            }
        case .postgresql(let store):
            try await store.withConnection("edit a checkpoint's signature") { connection in
                _ = try await connection.query("""
                    UPDATE chain_checkpoint SET signature = set_byte(signature, 0, get_byte(signature, 0) # 1) WHERE version = \(version)
                    """, logger: logger)
            }
        }
    }

    /// Every checkpoint, by version.
    func checkpoints() async throws -> [ChainCheckpoint] {
        switch database {
        case .sqlite(let writer):
            return try await writer.read { db in try ChainCheckpoint.fetchAll(db) }
        case .postgresql(let store):
            return try await store.withConnection("read the checkpoints") { connection in try await store.checkpoints(connection) }
        }
    }

    /// The chain hash of the newest log row.
    func newestChainHash() async throws -> Data? {
        switch database {
        case .sqlite(let writer):
            return try await writer.read { db in try Data.fetchOne(db, sql: "SELECT chainHash FROM log ORDER BY version DESC LIMIT 1") }
        case .postgresql(let store):
            return try await store.withConnection("read the newest chain hash") { connection in
                var hash: Data?
                for try await value in try await connection.query("SELECT chain_hash FROM log ORDER BY version DESC LIMIT 1", logger: logger)
                    .decode(Data.self) { hash = value }
                return hash
            }
        }
    }
}
