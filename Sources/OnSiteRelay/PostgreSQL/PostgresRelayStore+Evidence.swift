import Foundation
import Logging
import OnSiteCore
import OnSiteSync
import PostgresNIO

/// Evidence proofs (`Protocol/evidence.md`, "Evidence proofs"), as ``RelayStore``'s
/// (`Evidence/RelayStore+EvidenceProof.swift`), and the evidence lists pull pages carry.
extension PostgresRelayStore: RelayEvidenceStorage {
    /// The signed operations that added a report's evidence, as the log stores them, each with the chain hash
    /// before it and the relay's checkpoint at it, read in one snapshot.
    ///
    /// - Throws: ``RelayError`` `out_of_scope` (404) when the report does not exist or the actor may not see it.
    public func evidenceProof(of reportId: String, for actor: Actor) async throws -> EvidenceProof {
        let relayKey = checkpointKey.map { Data($0.publicKey.rawRepresentation).base64EncodedString() }
        return try await withSnapshot("read the evidence proof of report \(reportId)") { connection in
            var visible = PostgresStatement("SELECT count(*) FROM report WHERE length(state) > 0")
            let id = visible.bind(reportId)
            visible.append(" AND report.id = " + id)
            visible.appendScope(of: actor)
            var found: Int64 = 0
            for try await count in try await connection.query(visible.query, logger: logger).decode(Int64.self) { found = count }
            guard found > 0 else {
                throw RelayError(.notFound, code: .outOfScope,
                                 message: "Report \(reportId) does not exist on this relay or is outside this device's units; no evidence of it can be served.")
            }
            let rows = try await PostgresEvidenceReader(connection: connection, logger: logger).rows(of: [reportId])
            let previous = try await chainHashes(at: rows.map { $0.version - 1 }, connection)
            let checkpoints = try await signedCheckpoints(at: rows.map(\.version), connection)
            let decoder = WireCoding.makeDecoder()
            var keyIds: Set<String> = []
            let entries = rows.map { row in
                if let keyId = (try? decoder.decode(SyncOperation.self, from: row.operation))?.signature?.keyId { keyIds.insert(keyId) }
                return ProvenEntry(
                    version: row.version, operationId: row.operationId, changeSetId: row.changeSetId, deviceId: row.deviceId,
                    reportId: row.reportId, operation: row.operation.base64EncodedString(),
                    previousHash: (row.version == 1 ? LogChain.genesis : previous[row.version - 1]).map { Data($0).hexadecimal } ?? "",
                    checkpoint: checkpoints[row.version])
            }
            let signers = try await PostgresEvidenceReader(connection: connection, logger: logger).signerKeys(keyIds)
            return EvidenceProof(reportId: reportId, relayKey: relayKey, entries: entries, signers: signers)
        }
    }

    /// The chain hash at each version: the log row's, else the checkpoint's (a compaction boundary).
    private func chainHashes(at versions: [Int64], _ connection: PostgresConnection) async throws -> [Int64: [UInt8]] {
        var hashes: [Int64: [UInt8]] = [:]
        let rows = try await connection.query("""
            SELECT version, chain_hash FROM chain_checkpoint WHERE version = ANY(\(versions))
            UNION ALL SELECT version, chain_hash FROM log WHERE version = ANY(\(versions))
            """, logger: logger)
        // A log row and a checkpoint at one version hold the same hash: either will do.
        for try await (version, hash) in rows.decode((Int64, Data).self) { hashes[version] = Array(hash) }
        return hashes
    }

    /// The relay's signed checkpoints at exactly these versions.
    private func signedCheckpoints(at versions: [Int64], _ connection: PostgresConnection) async throws -> [Int64: SignedCheckpoint] {
        var checkpoints: [Int64: SignedCheckpoint] = [:]
        let rows = try await connection.query("""
            SELECT version, chain_hash, signed_at, relay_key_id, signature FROM chain_checkpoint
            WHERE version = ANY(\(versions)) AND signature IS NOT NULL AND relay_key_id IS NOT NULL
            """, logger: logger)
        for try await (version, hash, signedAt, keyId, signature) in rows.decode((Int64, Data, Date, String, Data).self) {
            checkpoints[version] = SignedCheckpoint(version: version, chainHash: hash.hexadecimal, signedAt: signedAt, relayKeyId: keyId,
                                                    signature: signature.base64EncodedString())
        }
        return checkpoints
    }
}

/// Reads a report's evidence entries (verifications, photo records, workflow steps of devices, not the relay's)
/// and the keys that signed them, inside the caller's transaction.
struct PostgresEvidenceReader {
    let connection: PostgresConnection
    let logger: Logger

    /// The evidence rows of each report (the columns the log chain covers), oldest first, at most ``RelayStore/maxEvidenceEntriesPerReport`` each; the
    /// reports in the order given.
    func rows(of reportIds: [String]) async throws -> [LogChain.Entry] {
        guard !reportIds.isEmpty else { return [] }
        let kinds = SyncOperation.evidenceKinds.map(\.rawValue)
        let rows = try await connection.query("""
            SELECT version, operation_id, change_set_id, device_id, report_id, operation FROM (
                SELECT *, row_number() OVER (PARTITION BY report_id ORDER BY version) AS rank FROM log
                WHERE report_id = ANY(\(reportIds)) AND device_id <> \(RelayStore.relayDeviceId) AND change_kind = ANY(\(kinds))
            ) AS evidence WHERE rank <= \(Int64(RelayStore.maxEvidenceEntriesPerReport)) ORDER BY version
            """, logger: logger)
        var byReport: [String: [LogChain.Entry]] = [:]
        for try await (version, operationId, changeSetId, deviceId, reportId, operation)
            in rows.decode((Int64, String, String, String, String, Data).self) {
            byReport[reportId, default: []].append(LogChain.Entry(version: version, operationId: operationId, changeSetId: changeSetId,
                                                                  deviceId: deviceId, reportId: reportId, operation: operation))
        }
        return reportIds.flatMap { byReport[$0] ?? [] }
    }

    /// The evidence entries of each report as a pull page carries them (decoded, redacted like any entry), and
    /// their stored bytes, by report id.
    func entries(of reportIds: [String], for role: Role) async throws -> [String: (entries: [LogEntry], bytes: Int)] {
        let decoder = WireCoding.makeDecoder()
        var found: [String: (entries: [LogEntry], bytes: Int)] = [:]
        for row in try await rows(of: reportIds) {
            // A row that no longer decodes is served as nothing: the device then reads the evidence as unsigned.
            guard let operation = try? decoder.decode(SyncOperation.self, from: row.operation) else { continue }
            var report: (entries: [LogEntry], bytes: Int) = found[row.reportId] ?? ([], 0)
            report.entries.append(LogEntry(version: row.version, deviceId: row.deviceId, operation: Redaction.redacted(operation, for: role)))
            report.bytes += row.operation.count
            found[row.reportId] = report
        }
        return found
    }

    /// The keys with these ids, with their devices' names, in key id order.
    func signerKeys(_ keyIds: Set<String>) async throws -> [SignerKey] {
        guard !keyIds.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT device_key.key_id, device_key.device_id, device_key.public_key, device.name FROM device_key
            JOIN device ON device.id = device_key.device_id WHERE device_key.key_id = ANY(\(keyIds.sorted()))
            """, logger: logger)
        var keys: [SignerKey] = []
        for try await (keyId, deviceId, publicKey, name) in rows.decode((String, String, Data, String).self) {
            keys.append(SignerKey(keyId: keyId, deviceId: deviceId, deviceName: name, publicKey: publicKey.base64EncodedString()))
        }
        return keys.sorted { $0.keyId < $1.keyId }
    }

    /// The keys that signed these entries.
    func signerKeys(of entries: [LogEntry]) async throws -> [SignerKey] {
        try await signerKeys(Set(entries.compactMap { $0.operation.signature?.keyId }))
    }
}
