import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteSync
import PostgresNIO

extension PostgresRelayStore {
    /// Applies a validated change set in one transaction, or returns the stored result of an earlier push of it.
    ///
    /// The transaction first locks `log_head`, the log's one-row counter: pushes from every relay on the database
    /// take their versions one transaction after another, so versions commit in the order they are given and a
    /// pull never passes a version that commits later (`Protocol/sync.md`, "Several relays"). Under the lock it
    /// loads what the change set needs in one round, merges in memory (``PushMerge``, the SQLite store's merge),
    /// and writes the log rows, reports, scope entries, attachment references and the change set's result.
    public func push(_ changeSet: ChangeSet, from actor: Actor, limits: SyncLimits, at date: Date) async throws -> PushResult {
        try await withTransaction("push change set \(changeSet.id) of device \(actor.deviceId)") { connection in
            var head: (version: Int64, hash: [UInt8]) = (0, LogChain.genesis)
            for try await (version, hash) in try await connection.query(
                "SELECT version, chain_hash FROM log_head WHERE singleton = 1 FOR UPDATE", logger: logger).decode((Int64, Data).self) {
                head = (version, Array(hash))
            }
            let id = changeSet.id.uuidString
            for try await (owner, stored) in try await connection.query(
                "SELECT device_id, result FROM change_set WHERE id = \(id)", logger: logger).decode((String, Data).self) {
                guard owner == actor.deviceId else { throw RelayError.changeSetOwnedByAnother(changeSet.id) }
                var result = try WireCoding.decode(PushResult.self, from: stored)
                result.replayed = true
                return result
            }
            var lastSequence: Int64 = 0
            var served: Int64 = 0
            for try await (last, servedVersion) in try await connection.query("""
                SELECT (SELECT coalesce(max(sequence), 0) FROM change_set WHERE device_id = \(actor.deviceId)),
                       coalesce((SELECT served_version FROM device WHERE id = \(actor.deviceId)), 0)
                """, logger: logger).decode((Int64, Int64).self) {
                (lastSequence, served) = (last, servedVersion)
            }
            guard changeSet.sequence > lastSequence else { throw RelayError.sequenceReused(changeSet.sequence, last: lastSequence) }
            let baseVersion = min(changeSet.baseVersion, served)
            let inputs = try await loadPushInputs(changeSet, deviceId: actor.deviceId, base: baseVersion, connection)
            var ledger = PostgresPushLedger(inputs: inputs, head: head, baseVersion: baseVersion, changeSetId: changeSet.id,
                                            now: date, maxRecordBytes: limits.maxRecordBytes)
            var results: [OperationResult] = []
            for operation in changeSet.operations {
                results.append(try PushMerge.apply(operation, base: baseVersion, by: actor, ledger: &ledger))
            }
            try await save(ledger, connection)
            let result = PushResult(changeSetId: changeSet.id, serverVersion: ledger.head.version, results: results)
            try await connection.query("""
                INSERT INTO change_set (id, device_id, sequence, received_at, result)
                VALUES (\(id), \(actor.deviceId), \(changeSet.sequence), \(date), \(try ledger.encoder.encode(result)))
                """, logger: logger)
            return result
        }
    }

    /// Everything the merge of `changeSet` reads, in a few statements over all its reports at once.
    private func loadPushInputs(_ changeSet: ChangeSet, deviceId: String, base: Int64, _ connection: PostgresConnection) async throws -> PostgresPushInputs {
        var inputs = PostgresPushInputs(deviceId: deviceId)
        let reportIds = Array(Set(changeSet.operations.map(\.reportId))).sorted()
        let operationIds = changeSet.operations.map(\.id.uuidString)
        let decoder = WireCoding.makeDecoder()
        let reports = try await connection.query("""
            SELECT id, state, field_versions, (SELECT min(version) FROM log WHERE log.report_id = report.id)
            FROM report WHERE id = ANY(\(reportIds))
            """, logger: logger)
        for try await (id, state, fieldVersions, first) in reports.decode((String, Data, String, Int64?).self) {
            inputs.records[id] = try decoder.decode(ReportRecord.self, from: state)
            inputs.recordBytes[id] = state.count
            inputs.storedFieldVersions[id] = fieldVersions == "{}" ? [:] : (try? decoder.decode([String: Int64].self, from: Data(fieldVersions.utf8))) ?? [:]
            if let first { inputs.firstVersions[id] = first }
        }
        let scopes = try await connection.query("""
            SELECT DISTINCT ON (report_id) report_id, units FROM scope_log
            WHERE report_id = ANY(\(reportIds)) AND version <= \(base) ORDER BY report_id, version DESC
            """, logger: logger)
        for try await (id, units) in scopes.decode((String, String).self) { inputs.scopesAtBase[id] = ReportScope(encoded: units) }
        let latest = try await connection.query("""
            SELECT DISTINCT ON (report_id) report_id, units FROM scope_log WHERE report_id = ANY(\(reportIds)) ORDER BY report_id, version DESC
            """, logger: logger)
        for try await (id, units) in latest.decode((String, String).self) { inputs.latestScopes[id] = units }
        let logged = try await connection.query("""
            SELECT operation_id FROM log WHERE operation_id = ANY(\(operationIds))
            UNION SELECT operation_id FROM compacted_operation WHERE operation_id = ANY(\(operationIds))
            """, logger: logger)
        for try await id in logged.decode(String.self) {
            if let uuid = UUID(uuidString: id) { inputs.loggedOperations.insert(uuid) }
        }
        let keys = try await connection.query("SELECT key_id, public_key FROM device_key WHERE device_id = \(deviceId)", logger: logger)
        for try await (keyId, bytes) in keys.decode((String, Data).self) {
            guard let key = try? Ed25519PublicKey(rawRepresentation: Array(bytes)) else {
                throw PostgresStoreError.corrupt("device key \(keyId) is not 32 bytes", at: location)
            }
            inputs.keys[keyId] = key
        }
        let writers = Set(inputs.records.values.flatMap { $0.fieldStamps.values.map(\.device) } + [deviceId]).sorted()
        let names = try await connection.query("SELECT id, name FROM device WHERE id = ANY(\(writers))", logger: logger)
        for try await (id, name) in names.decode((String, String).self) { inputs.deviceNames[id] = name }
        return inputs
    }

    /// Writes what the merge produced: each touched report once, then the log rows (which reference them), scope
    /// entries where units changed, attachment references, the new head, and the checkpoints due (at each evidence
    /// entry, and at the head every ``ChainCheckpoint/interval`` versions).
    private func save(_ ledger: PostgresPushLedger, _ connection: PostgresConnection) async throws {
        let fieldEncoder = JSONEncoder()
        fieldEncoder.outputFormatting = .sortedKeys
        for id in ledger.versions.keys.sorted() {
            guard let record = ledger.records[id], let version = ledger.versions[id] else { continue }
            let report = record.report
            let fieldVersions = String(decoding: try fieldEncoder.encode(ledger.fieldVersionsToStore(of: id)), as: UTF8.self)
            try await connection.query("""
                INSERT INTO report (id, version, province, district, commune, assigned_unit, state, field_versions)
                VALUES (\(id), \(version), \(report.area.province), \(report.area.district), \(report.area.commune), \(report.assignedUnit),
                        \(try ledger.encoder.encode(record)), \(fieldVersions))
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, province = excluded.province, district = excluded.district,
                    commune = excluded.commune, assigned_unit = excluded.assigned_unit, state = excluded.state,
                    field_versions = excluded.field_versions
                """, logger: logger)
            let units = report.scope.encoded
            if ledger.inputs.latestScopes[id] != units {
                try await connection.query("INSERT INTO scope_log (version, report_id, units) VALUES (\(version), \(id), \(units))", logger: logger)
            }
        }
        if !ledger.entries.isEmpty {
            // All the change set's log rows in one statement: every round trip here is spent holding `log_head`,
            // which every relay's pushes wait for.
            let entries = ledger.entries
            let versions = entries.map(\.version)
            let operationIds = entries.map(\.operationId)
            let changeSetIds = entries.map(\.changeSetId)
            let deviceIds = entries.map(\.deviceId)
            let reportIds = entries.map(\.reportId)
            let operations = entries.map { ByteBuffer(bytes: $0.operation) }
            let hashes = ledger.entryHashes.map { ByteBuffer(bytes: $0) }
            try await connection.query("""
                INSERT INTO log (version, operation_id, change_set_id, device_id, report_id, operation, chain_hash)
                SELECT * FROM unnest(\(versions)::bigint[], \(operationIds)::text[], \(changeSetIds)::text[], \(deviceIds)::text[],
                                     \(reportIds)::text[], \(operations)::bytea[], \(hashes)::bytea[])
                """, logger: logger)
        }
        for reference in ledger.attachments {
            try await connection.query("""
                INSERT INTO attachment_ref (sha256, report_id, device_id, byte_count)
                VALUES (\(reference.sha256), \(reference.reportId), \(reference.deviceId), \(reference.byteCount)) ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        guard !ledger.entries.isEmpty else { return }
        try await connection.query(
            "UPDATE log_head SET version = \(ledger.head.version), chain_hash = \(Data(ledger.head.hash)) WHERE singleton = 1", logger: logger)
        if let key = checkpointKey {
            // Each evidence entry's checkpoint, so its proof needs no other entry of the log (as the SQLite store's
            // `ChainCheckpoint.recordEvidence`).
            let hashes = Dictionary(uniqueKeysWithValues: zip(ledger.entries.map(\.version), ledger.entryHashes))
            for version in ledger.evidenceVersions {
                guard let hash = hashes[version] else { continue }
                try await recordCheckpoint(at: version, hash: hash, key: key, now: ledger.now, connection)
            }
        }
        try await recordCheckpointIfDue(head: ledger.head, now: ledger.now, connection)
    }

    /// Records a signed checkpoint at the head when the newest is ``ChainCheckpoint/interval`` or more versions behind.
    private func recordCheckpointIfDue(head: (version: Int64, hash: [UInt8]), now: Date, _ connection: PostgresConnection) async throws {
        var last: Int64 = 0
        for try await value in try await connection.query("SELECT coalesce(max(version), 0) FROM chain_checkpoint", logger: logger)
            .decode(Int64.self) { last = value }
        guard head.version - last >= ChainCheckpoint.interval else { return }
        try await recordCheckpoint(at: head.version, hash: head.hash, key: checkpointKey, now: now, connection)
    }
}

extension PostgresRelayStore {
    /// Records a checkpoint at `version` with its chain hash, signed when the relay's key is at hand (the SQLite
    /// store's `ChainCheckpoint.record`); does nothing when one exists already at that version.
    func recordCheckpoint(at version: Int64, hash: [UInt8], key: Ed25519PrivateKey?, now: Date, _ connection: PostgresConnection) async throws {
        let signedAt = Date(timeIntervalSince1970: TimeInterval(WireDate.millis(now)) / 1000)
        let signature = try key.map { try $0.sign(ChainCheckpoint.signedBytes(version: version, chainHash: hash, signedAt: signedAt)) }
        try await connection.query("""
            INSERT INTO chain_checkpoint (version, chain_hash, signed_at, relay_key_id, signature)
            VALUES (\(version), \(Data(hash)), \(signedAt), \(key?.publicKey.keyId), \(signature.map { Data($0) }))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
