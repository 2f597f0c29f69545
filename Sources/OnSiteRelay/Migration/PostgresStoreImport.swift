import Foundation
import GRDB
import Logging
import OnSiteStorage
import OnSiteSync
import PostgresNIO

/// `onsite-relay migrate --from DATA_FOLDER --to postgresql://…`: copies a relay's SQLite store into an empty PostgreSQL
/// database, so relays on that database continue it and devices do not notice.
///
/// Everything the store holds is copied as it is: devices with their token hashes, served versions, last-seen times
/// and retired tokens; device keys; reports, change sets with their stored results, the log with its chain hashes,
/// scope history, attachment references, blob uploaders, compaction state, compacted operation ids and checkpoints;
/// the relay's id and epoch, and the log's head. Blobs and the relay's signing key stay in the data folder: relays on
/// one PostgreSQL database share that folder.
///
/// The move refuses, changing nothing, while a relay serves the folder (its lock is held), for a folder without a
/// relay store, and for a database that holds OnSite data. The SQLite store is read in one read transaction and never
/// written; the copy is one PostgreSQL transaction, checked before it commits (rows per table, the chain's head, the
/// newest entry's hash recomputed from the copy).
///
/// ```swift
/// let summary = try await PostgresStoreImport.run(from: "/var/lib/onsite-relay", to: try PostgresStoreLocation("postgresql://onsite@db/onsite"))
/// ```
public enum PostgresStoreImport {
    /// What a move copied.
    public struct Summary: Sendable, Hashable {
        public var storePath: String
        /// The database, password hidden.
        public var target: String
        public var identity: RelayIdentity
        /// The log chain's head, equal on both stores.
        public var chainHead: ChainHead
        /// The newest version folded out of the log (0 when never compacted).
        public var compactedThrough: Int64
        /// Rows copied per SQLite table, in copy order.
        public var tables: [TableRows]
    }

    public struct TableRows: Sendable, Hashable {
        public var table: String
        public var rows: Int
    }

    /// Moves the store of `dataDirectory` (its `relay.sqlite`) into the database at `location`.
    ///
    /// - Throws: ``StoreImportError`` for every refusal and for a copy that does not check out; ``PostgresStoreError``
    ///   when the server fails midway. The database then holds no part of the store (at most the empty schema).
    public static func run(from dataDirectory: String, to location: PostgresStoreLocation, lockFileName: String = RelayDataFolder.lockFileName,
                           logger: Logger = Logger(label: "onsite.relay.import")) async throws -> Summary {
        let folder = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreImportError.sourceMissing(folder)
        }
        let storePath = URL(fileURLWithPath: folder).appendingPathComponent("relay.sqlite").path
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw StoreImportError.notRelayStore(storePath, reason: "there is no such file")
        }
        // Held to the end: no relay starts on the folder and pushes what the copy would miss.
        let lock: DataFolderLock
        do {
            lock = try DataFolderLock(folder: folder, fileName: lockFileName)
        } catch {
            switch error {
            case .held(let folder, _, let pid): throw StoreImportError.relayRunning(folder, pid: pid)
            case .shared(let folder, _): throw StoreImportError.relayRunning(folder, pid: nil)
            case .unusable(let failure): throw failure
            }
        }
        defer { withExtendedLifetime(lock) {} }

        let snapshot = try await SQLiteStoreSnapshot.open(storePath)
        do {
            let blobs = RelayBlobStore(directory: URL(fileURLWithPath: folder))
            let summary = try await copy(snapshot, to: location, blobs: blobs, logger: logger)
            await snapshot.close()
            return summary
        } catch {
            await snapshot.close()
            throw error
        }
    }

    private static func copy(_ snapshot: SQLiteStoreSnapshot, to location: PostgresStoreLocation, blobs: RelayBlobStore,
                             logger: Logger) async throws -> Summary {
        let source = try await snapshot.read { db in try SourceHead.read(db, storePath: snapshot.path) }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: 1, logger: logger)
        } catch {
            throw StoreImportError.unreachable(location, reason: reason(error))
        }
        do {
            // Checked before the schema is made, so a refused database is left as it was.
            let holds = try await holdings(on: connection, logger: logger)
            guard holds.isEmpty else { throw StoreImportError.targetNotEmpty(location, holds: holds) }
            try await PostgresRelayStore(location: location, blobs: blobs, logger: logger).migrate()
            let tables = try await connection.withTransaction(logger: logger) { connection in
                try await copyTables(snapshot, source: source, to: connection, at: location, logger: logger)
            }
            try? await connection.close()
            return Summary(storePath: snapshot.path, target: location.description, identity: source.identity,
                           chainHead: ChainHead(version: source.version, hash: Data(source.hash).hexadecimal),
                           compactedThrough: source.compactedThrough, tables: tables)
        } catch {
            try? await connection.close()
            let thrown = unwrapped(error)
            if thrown is StoreImportError { throw thrown }
            throw PostgresStoreError.reporting(thrown, while: "copy the SQLite store \(snapshot.path)", at: location)
        }
    }

    /// The copy's transaction: the tables batch by batch, the identity and head, then the checks.
    private static func copyTables(_ snapshot: SQLiteStoreSnapshot, source: SourceHead, to connection: PostgresConnection,
                                   at location: PostgresStoreLocation, logger: Logger) async throws -> [TableRows] {
        // Relays started on the database meanwhile wait (pushes lock log_head, enrolments write device), and the
        // database is checked empty again under the lock.
        try await connection.query("LOCK TABLE device, log_head, relay_identity IN EXCLUSIVE MODE", logger: logger)
        let holds = try await holdings(on: connection, logger: logger)
        guard holds.isEmpty else { throw StoreImportError.targetNotEmpty(location, holds: holds) }
        var copied: [TableRows] = []
        for table in ImportedTable.all {
            var rows = 0
            var key: [DatabaseValue]?
            repeat {
                let after = key
                let batch = try await snapshot.read { db in try table.batch(after: after, storePath: snapshot.path, db) }
                try await table.insert(batch.rows, on: connection, logger: logger)
                rows += batch.rows.count
                key = batch.rows.isEmpty ? nil : batch.lastKey
            } while key != nil
            copied.append(TableRows(table: table.source, rows: rows))
            logger.info("copied a table of the SQLite store", metadata: ["import.table": .string(table.source), "import.rows": .stringConvertible(rows)])
        }
        try await connection.query("""
            UPDATE relay_identity SET relay_id = \(source.identity.relayId), epoch = \(source.identity.epoch), restored_at = \(source.restoredAt)
            WHERE singleton = 1
            """, logger: logger)
        try await connection.query(
            "UPDATE log_head SET version = \(source.version), chain_hash = \(Data(source.hash)) WHERE singleton = 1", logger: logger)
        try await check(copied, snapshot: snapshot, source: source, on: connection, at: location, logger: logger)
        return copied
    }

    // MARK: Checks

    /// Rows per table equal on both sides, the identity and head as the SQLite store has them, and the newest log
    /// entry's hash recomputed from the copied bytes.
    private static func check(_ copied: [TableRows], snapshot: SQLiteStoreSnapshot, source: SourceHead, on connection: PostgresConnection,
                              at location: PostgresStoreLocation, logger: Logger) async throws {
        let sourceCounts = try await snapshot.read { db in try ImportedTable.all.map { try $0.sourceCount(db) } }
        for (index, table) in ImportedTable.all.enumerated() {
            let target = try await table.targetCount(on: connection, logger: logger)
            guard target == sourceCounts[index], copied[index].rows == target else {
                throw StoreImportError.copyDiffers(location, "table \(table.target) has \(target) rows, \(table.source) has \(sourceCounts[index])")
            }
        }
        var copiedIdentity: RelayIdentity?
        var head: (version: Int64, hash: Data)?
        for try await (relayId, epoch, version, hash) in try await connection.query("""
            SELECT relay_identity.relay_id, relay_identity.epoch, log_head.version, log_head.chain_hash
            FROM relay_identity CROSS JOIN log_head WHERE relay_identity.singleton = 1 AND log_head.singleton = 1
            """, logger: logger).decode((String, Int64, Int64, Data).self) {
            copiedIdentity = RelayIdentity(relayId: relayId, epoch: epoch)
            head = (version, hash)
        }
        guard copiedIdentity == source.identity else {
            throw StoreImportError.copyDiffers(location, "the relay identity reads \(copiedIdentity.map { "\($0)" } ?? "nothing"), not \(source.identity)")
        }
        guard let head, head.version == source.version, Array(head.hash) == source.hash else {
            throw StoreImportError.copyDiffers(location, "the log head differs from version \(source.version)")
        }
        var newest: [(entry: LogChain.Entry, hash: Data)] = []
        for try await (version, operationId, changeSetId, deviceId, reportId, operation, hash) in try await connection.query("""
            SELECT version, operation_id, change_set_id, device_id, report_id, operation, chain_hash FROM log ORDER BY version DESC LIMIT 2
            """, logger: logger).decode((Int64, String, String, String, String, Data, Data).self) {
            newest.append((LogChain.Entry(version: version, operationId: operationId, changeSetId: changeSetId, deviceId: deviceId,
                                          reportId: reportId, operation: operation), hash))
        }
        guard let last = newest.first else { return }
        guard last.entry.version == head.version, last.hash == head.hash else {
            throw StoreImportError.copyDiffers(location, "the newest log entry (version \(last.entry.version)) is not the log head")
        }
        var previous: Data?
        if newest.count == 2, newest[1].entry.version == last.entry.version - 1 {
            previous = newest[1].hash
        } else if last.entry.version == 1 {
            previous = Data(LogChain.genesis)
        } else {
            // The entry before it was compacted: its hash is the checkpoint at the boundary.
            for try await hash in try await connection.query(
                "SELECT chain_hash FROM chain_checkpoint WHERE version = \(last.entry.version - 1)", logger: logger).decode(Data.self) {
                previous = hash
            }
        }
        guard let previous, LogChain.hash(previous: Array(previous), last.entry) == Array(last.hash) else {
            throw StoreImportError.copyDiffers(location, "the newest log entry's chain hash does not follow from the copied rows")
        }
    }

    // MARK: The target

    /// What OnSite data the database holds ("3 devices", "log head at version 120"); empty for a database to move into.
    private static func holdings(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var holds: [String] = []
        let tables = [("device", "device(s)"), ("device_key", "device key(s)"), ("report", "report(s)"), ("change_set", "change set(s)"),
                      ("log", "log entr(y/ies)"), ("chain_checkpoint", "checkpoint(s)")]
        for (table, noun) in tables {
            guard try await exists(table, on: connection, logger: logger) else { continue }
            for try await count in try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger).decode(Int64.self)
            where count > 0 {
                holds.append("\(count) \(noun)")
            }
        }
        if try await exists("log_head", on: connection, logger: logger) {
            for try await version in try await connection.query("SELECT version FROM log_head", logger: logger).decode(Int64.self) where version > 0 {
                holds.append("a log at version \(version)")
            }
        }
        return holds
    }

    private static func exists(_ table: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        var found = false
        for try await name in try await connection.query("SELECT to_regclass(\(table))::text", logger: logger).decode(String?.self) {
            found = name != nil
        }
        return found
    }

    /// The server's own message for a failed connection.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return String(describing: underlying) }
            return String(reflecting: error)
        }
        return String(describing: error)
    }

    /// The error thrown inside the transaction, as it was thrown.
    private static func unwrapped(_ error: any Error) -> any Error {
        if let error = error as? PostgresTransactionError, let inner = error.closureError { return inner }
        return error
    }
}

/// What the SQLite store says of itself: identity, newest version, the chain's head, the compaction boundary.
private struct SourceHead: Sendable {
    var identity: RelayIdentity
    var restoredAt: Date?
    var version: Int64
    var hash: [UInt8]
    var compactedThrough: Int64

    static func read(_ db: Database, storePath: String) throws -> SourceHead {
        let identity = try RelayStore.identity(db)
        let restoredAt = try Date.fetchOne(db, sql: "SELECT restoredAt FROM relayIdentity WHERE singleton = 1")
        let version = try RelayStore.serverVersion(db)
        let head = try LogChain.head(db)
        guard head.version == version else {
            throw StoreImportError.sourceDamaged(storePath, "the log ends at version \(head.version) but its counter is at \(version)")
        }
        return SourceHead(identity: identity, restoredAt: restoredAt, version: version, hash: head.hash,
                          compactedThrough: try RelayStore.compactedThrough(db))
    }
}
