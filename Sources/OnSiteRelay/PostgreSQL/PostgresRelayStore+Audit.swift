import Foundation
import OnSiteCrypto
import PostgresNIO

/// `onsite-relay audit` on the PostgreSQL store: the same checks as ``RelayStore``'s (``LogAudit``), fed from one
/// read-only snapshot, so relays may keep pushing meanwhile.
extension PostgresRelayStore {
    /// Walks the log chain from its first retained entry, every device signature, every checkpoint, each
    /// report's stored verifications and attachments against the signed operations that added them, and (with
    /// `blobs`, the data folder the relays share) the bytes of each attachment's blob.
    ///
    /// Everything is read in one `REPEATABLE READ` snapshot; the log rows are streamed through, never held together.
    ///
    /// - Parameter relayKey: the relay's public key, to check checkpoint signatures (nil: they are not checked).
    /// - Throws: ``PostgresStoreError`` when the database cannot be read, or holds a device key that is not 32 bytes.
    public func audit(relayKey: Ed25519PublicKey?, blobs: RelayBlobStore?) async throws -> AuditReport {
        try await withSnapshot("audit the log chain, signatures and evidence") { connection in
            var audit = LogAudit(relayKey: relayKey, blobs: blobs)
            for checkpoint in try await checkpoints(connection) { audit.checkCheckpoint(checkpoint) }
            for key in try await deviceKeys(connection) { audit.registerKey(key) }
            if audit.startLog(compactedThrough: try await Self.compactedThrough(connection, logger: logger)) {
                let rows = try await connection.query("""
                    SELECT log.version, log.operation_id, log.change_set_id, log.device_id, log.report_id, log.operation, log.chain_hash,
                           change_set.received_at
                    FROM log LEFT JOIN change_set ON change_set.id = log.change_set_id ORDER BY log.version
                    """, logger: logger)
                for try await (version, operationId, changeSetId, deviceId, reportId, operation, chainHash, receivedAt)
                    in rows.decode((Int64, String, String, String, String, Data, Data, Date?).self) {
                    let entry = LogChain.Entry(version: version, operationId: operationId, changeSetId: changeSetId,
                                               deviceId: deviceId, reportId: reportId, operation: operation)
                    audit.checkLogRow(LogAudit.LogRow(entry: entry, chainHash: chainHash, receivedAt: receivedAt))
                }
            }
            // Ids in byte order, as SQLite sorts them, whatever the database's collation: the same breaks in the same order.
            let reports = try await connection.query(
                "SELECT id, state FROM report WHERE length(state) > 0 ORDER BY id COLLATE \"C\"", logger: logger)
            for try await (id, state) in reports.decode((String, Data).self) {
                audit.checkReport(id, state: state)
            }
            return audit.report
        }
    }

    /// Every checkpoint, by version, as ``ChainCheckpoint/fetchAll(_:)`` reads SQLite's.
    func checkpoints(_ connection: PostgresConnection) async throws -> [ChainCheckpoint] {
        var checkpoints: [ChainCheckpoint] = []
        let rows = try await connection.query(
            "SELECT version, chain_hash, signed_at, relay_key_id, signature FROM chain_checkpoint ORDER BY version", logger: logger)
        for try await (version, hash, signedAt, keyId, signature) in rows.decode((Int64, Data, Date, String?, Data?).self) {
            checkpoints.append(ChainCheckpoint(version: version, chainHash: hash.hexadecimal, signedAt: signedAt, relayKeyId: keyId,
                                               signature: signature?.base64EncodedString()))
        }
        return checkpoints
    }
}
