import Foundation
import GRDB
import OnSiteCrypto

extension RelayStore {
    /// Walks the log chain from its first retained entry, every device signature, every checkpoint, each
    /// report's stored verifications and attachments against the signed operations that added them, and (with
    /// `blobs`) the bytes of each attachment's blob, in one read transaction (``LogAudit``).
    ///
    /// - Parameter relayKey: the relay's public key, to check checkpoint signatures (nil: they are not checked).
    public func audit(relayKey: Ed25519PublicKey?, blobs: RelayBlobStore?) async throws -> AuditReport {
        try await writer.read { db in
            var audit = LogAudit(relayKey: relayKey, blobs: blobs)
            for checkpoint in try ChainCheckpoint.fetchAll(db) { audit.checkCheckpoint(checkpoint) }
            for key in try DeviceKeyEntry.fetchAll(db) { audit.registerKey(key) }
            if audit.startLog(compactedThrough: try RelayStore.compactedThrough(db)) {
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT log.version, log.operationId, log.changeSetId, log.deviceId, log.reportId, log.operation, log.chainHash, changeSet.receivedAt
                    FROM log LEFT JOIN changeSet ON changeSet.id = log.changeSetId ORDER BY log.version
                    """)
                while let row = try rows.next() {
                    let entry = LogChain.Entry(version: row["version"], operationId: row["operationId"], changeSetId: row["changeSetId"],
                                               deviceId: row["deviceId"], reportId: row["reportId"], operation: row["operation"])
                    audit.checkLogRow(LogAudit.LogRow(entry: entry, chainHash: row["chainHash"], receivedAt: row["receivedAt"]))
                }
            }
            let reports = try Row.fetchCursor(db, sql: "SELECT id, state FROM report WHERE length(state) > 0 ORDER BY id")
            while let row = try reports.next() {
                audit.checkReport(row["id"], state: row["state"])
            }
            return audit.report
        }
    }
}
