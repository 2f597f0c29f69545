import Foundation
import GRDB
import OnSiteCrypto

/// The hash chain over the relay's log (`Protocol/evidence.md`, "The log chain"): each entry's `chainHash`
/// covers the previous entry's hash and the entry's own bytes, so an edited, inserted or removed row breaks
/// every hash after it.
///
/// `chainHash(v) = SHA-256("OnSite log v1\n" ‖ chainHash(v-1) ‖ be64(v) ‖ lp(operationId) ‖ lp(changeSetId)
/// ‖ lp(deviceId) ‖ lp(reportId) ‖ lp(operation))`, where `lp(x)` is x's byte count as a big-endian u32 then its
/// bytes, and the hash before the first entry is 32 zero bytes (or the checkpoint the log was compacted to).
enum LogChain {
    static let context = Array("OnSite log v1\n".utf8)
    static let genesis = [UInt8](repeating: 0, count: 32)

    /// The columns of one log row that the chain covers.
    struct Entry: Sendable {
        var version: Int64
        var operationId: String
        var changeSetId: String
        var deviceId: String
        var reportId: String
        var operation: Data
    }

    static func hash(previous: [UInt8], _ entry: Entry) -> [UInt8] {
        var bytes = context
        bytes.reserveCapacity(context.count + 32 + 8 + entry.operation.count + 160)
        bytes += previous
        withUnsafeBytes(of: UInt64(bitPattern: entry.version).bigEndian) { bytes += $0 }
        for field in [Array(entry.operationId.utf8), Array(entry.changeSetId.utf8), Array(entry.deviceId.utf8),
                      Array(entry.reportId.utf8), Array(entry.operation)] {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: field.count).bigEndian) { bytes += $0 }
            bytes += field
        }
        return SHA256.hash(bytes).bytes
    }

    /// The newest version of the chain and its hash: the last log row, else the checkpoint the log was
    /// compacted to, else version 0 with the zero hash.
    static func head(_ db: Database) throws -> (version: Int64, hash: [UInt8]) {
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT version, chainHash FROM log ORDER BY version DESC LIMIT 1")),
           let hash = row["chainHash"] as Data? {
            return (row["version"], Array(hash))
        }
        let version = try RelayStore.serverVersion(db)
        if let hash = try Data.fetchOne(db.cachedStatement(sql: "SELECT chainHash FROM chainCheckpoint WHERE version = ?"), arguments: [version]) {
            return (version, Array(hash))
        }
        return (version, genesis)
    }

    /// Appends one row to the log with the next version and its chain hash; returns the version.
    static func append(operationId: String, changeSetId: String, deviceId: String, reportId: String, operation: Data, db: Database) throws -> Int64 {
        let head = try head(db)
        let entry = Entry(version: head.version + 1, operationId: operationId, changeSetId: changeSetId,
                          deviceId: deviceId, reportId: reportId, operation: operation)
        try db.cachedStatement(sql: """
            INSERT INTO log (version, operationId, changeSetId, deviceId, reportId, operation, chainHash) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [entry.version, operationId, changeSetId, deviceId, reportId, operation, Data(hash(previous: head.hash, entry))])
        return entry.version
    }
}
