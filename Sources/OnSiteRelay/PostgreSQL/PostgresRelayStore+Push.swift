import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteSync
import PostgresNIO

extension PostgresRelayStore {
    /// Applies a validated change set, or returns the stored result of an earlier push of it, in a transaction it
    /// may share with the change sets other devices sent meanwhile (``PostgresPushBatcher``: group commit).
    ///
    /// The transaction first locks `log_head`, the log's one-row counter: pushes from every relay on the database
    /// take their versions one transaction after another, so versions commit in the order they are given and a
    /// pull never passes a version that commits later (`Protocol/sync.md`, "Several relays"). Every round trip
    /// after that lock is time every other push waits, so a change set is five statements whatever it holds: the
    /// lock with the device's counters, three reads of what the merge needs, one write of everything it produced
    /// (``PostgresPushWrite``); `BEGIN` and `COMMIT` are shared by the batch. The merge runs in memory
    /// (``PushMerge``, the SQLite store's merge).
    public func push(_ changeSet: ChangeSet, from actor: Actor, limits: SyncLimits, at date: Date) async throws -> PushResult {
        let store = self
        return try await pushBatcher.submit(PostgresPushBatcher.Pending(changeSet: changeSet, actor: actor, limits: limits, date: date)) { batch in
            await store.apply(batch)
        }
    }

    /// One transaction over `batch` (``PostgresPushBatcher``): each change set's statements in turn, one commit.
    /// A change set the merge refuses fails alone (it wrote nothing); a failure of the server fails them all.
    func apply(_ batch: [PostgresPushBatcher.Pending]) async -> [Result<PushResult, any Error>] {
        let action = batch.count == 1 ? "push change set \(batch[0].changeSet.id) of device \(batch[0].actor.deviceId)"
            : "push \(batch.count) change sets"
        do {
            return try await withTransaction(action) { connection in
                var results: [Result<PushResult, any Error>] = []
                for pending in batch {
                    do {
                        results.append(.success(try await push(pending, connection)))
                    } catch let failure as PSQLError {
                        // The server refused a statement: the transaction is aborted, and with it the batch.
                        throw failure
                    } catch {
                        // Refused in memory (a reused sequence, another device's change set, a record the merge cannot
                        // take) before this change set wrote anything: the others go on.
                        results.append(.failure(error))
                    }
                }
                return results
            }
        } catch {
            return batch.map { _ in .failure(error) }
        }
    }

    /// The statements of one change set inside the batch's transaction (the first takes `log_head`; the others find
    /// it held by their own transaction).
    private func push(_ pending: PostgresPushBatcher.Pending, _ connection: PostgresConnection) async throws -> PushResult {
        let (changeSet, actor, limits, date) = (pending.changeSet, pending.actor, pending.limits, pending.date)
        let id = changeSet.id.uuidString
        var opening: PushOpening?
        for try await row in try await connection.query("""
            SELECT head.version, head.chain_hash,
                   (SELECT coalesce(max(version), 0) FROM chain_checkpoint),
                   (SELECT device_id FROM change_set WHERE id = \(id)),
                   (SELECT result FROM change_set WHERE id = \(id)),
                   (SELECT coalesce(max(sequence), 0) FROM change_set WHERE device_id = \(actor.deviceId)),
                   coalesce((SELECT served_version FROM device WHERE id = \(actor.deviceId)), 0)
            FROM log_head head WHERE head.singleton = 1 FOR UPDATE OF head
            """, logger: logger).decode((Int64, Data, Int64, String?, Data?, Int64, Int64).self) {
            opening = PushOpening(head: (row.0, Array(row.1)), lastCheckpoint: row.2, storedOwner: row.3, storedResult: row.4,
                                  lastSequence: row.5, servedVersion: row.6)
        }
        guard let opening else { throw PostgresStoreError.corrupt("the table log_head has no row", at: location) }
        if let owner = opening.storedOwner, let stored = opening.storedResult {
            guard owner == actor.deviceId else { throw RelayError.changeSetOwnedByAnother(changeSet.id) }
            var result = try WireCoding.decode(PushResult.self, from: stored)
            result.replayed = true
            return result
        }
        guard changeSet.sequence > opening.lastSequence else { throw RelayError.sequenceReused(changeSet.sequence, last: opening.lastSequence) }
        let baseVersion = min(changeSet.baseVersion, opening.servedVersion)
        let inputs = try await loadPushInputs(changeSet, deviceId: actor.deviceId, base: baseVersion, connection)
        var ledger = PostgresPushLedger(inputs: inputs, head: opening.head, baseVersion: baseVersion, changeSetId: changeSet.id,
                                        now: date, maxRecordBytes: limits.maxRecordBytes)
        var results: [OperationResult] = []
        for operation in changeSet.operations {
            results.append(try PushMerge.apply(operation, base: baseVersion, by: actor, ledger: &ledger))
        }
        let result = PushResult(changeSetId: changeSet.id, serverVersion: ledger.head.version, results: results)
        let write = try PostgresPushWrite(ledger, result: result, changeSet: changeSet, deviceId: actor.deviceId,
                                          lastCheckpoint: opening.lastCheckpoint, checkpointKey: checkpointKey)
        try await connection.query(write.statement, logger: logger)
        for written in write.writtenStates { recordCache.remember(written.id, encoded: written.state, record: written.record) }
        return result
    }

    /// What the push reads with the lock on `log_head`.
    private struct PushOpening {
        var head: (version: Int64, hash: [UInt8])
        /// The newest checkpoint's version (0 when there is none).
        var lastCheckpoint: Int64
        /// The device and stored result of an earlier push of the same change set.
        var storedOwner: String?
        var storedResult: Data?
        var lastSequence: Int64
        var servedVersion: Int64
    }

    /// Everything the merge of `changeSet` reads, in three statements over all its reports at once: each report with
    /// its first version and its units at the base and now; the operations already logged with the device's keys;
    /// the names of the devices whose writes the reports hold.
    private func loadPushInputs(_ changeSet: ChangeSet, deviceId: String, base: Int64, _ connection: PostgresConnection) async throws -> PostgresPushInputs {
        var inputs = PostgresPushInputs(deviceId: deviceId)
        let reportIds = Array(Set(changeSet.operations.map(\.reportId))).sorted()
        let operationIds = changeSet.operations.map(\.id.uuidString)
        let decoder = WireCoding.makeDecoder()
        let reports = try await connection.query("""
            SELECT wanted.id, report.state, report.field_versions,
                   (SELECT min(version) FROM log WHERE log.report_id = wanted.id),
                   (SELECT units FROM scope_log WHERE scope_log.report_id = wanted.id AND scope_log.version <= \(base)
                    ORDER BY scope_log.version DESC LIMIT 1),
                   (SELECT units FROM scope_log WHERE scope_log.report_id = wanted.id ORDER BY scope_log.version DESC LIMIT 1)
            FROM unnest(\(reportIds)::text[]) AS wanted(id) LEFT JOIN report ON report.id = wanted.id
            """, logger: logger)
        for try await (id, state, fieldVersions, first, unitsAtBase, latestUnits) in reports.decode((String, Data?, String?, Int64?, String?, String?).self) {
            if let state, let fieldVersions {
                inputs.records[id] = try recordCache.record(id, stored: state, decoder: decoder)
                inputs.recordBytes[id] = state.count
                inputs.storedFieldVersions[id] = fieldVersions == "{}" ? [:] : (try? decoder.decode([String: Int64].self, from: Data(fieldVersions.utf8))) ?? [:]
            }
            if let first { inputs.firstVersions[id] = first }
            if let unitsAtBase { inputs.scopesAtBase[id] = ReportScope(encoded: unitsAtBase) }
            if let latestUnits { inputs.latestScopes[id] = latestUnits }
        }
        let loggedAndKeys = try await connection.query("""
            SELECT operation_id, NULL::bytea FROM log WHERE operation_id = ANY(\(operationIds))
            UNION ALL SELECT operation_id, NULL::bytea FROM compacted_operation WHERE operation_id = ANY(\(operationIds))
            UNION ALL SELECT key_id, public_key FROM device_key WHERE device_id = \(deviceId)
            """, logger: logger)
        for try await (name, bytes) in loggedAndKeys.decode((String, Data?).self) {
            guard let bytes else {
                if let uuid = UUID(uuidString: name) { inputs.loggedOperations.insert(uuid) }
                continue
            }
            guard let key = try? Ed25519PublicKey(rawRepresentation: Array(bytes)) else {
                throw PostgresStoreError.corrupt("device key \(name) is not 32 bytes", at: location)
            }
            inputs.keys[name] = key
        }
        let writers = Set(inputs.records.values.flatMap { $0.fieldStamps.values.map(\.device) } + [deviceId]).sorted()
        let names = try await connection.query("SELECT id, name FROM device WHERE id = ANY(\(writers))", logger: logger)
        for try await (id, name) in names.decode((String, String).self) { inputs.deviceNames[id] = name }
        return inputs
    }
}

extension PostgresRelayStore {
    /// Records a checkpoint at `version` with its chain hash, signed when the relay's key is at hand (the SQLite
    /// store's `ChainCheckpoint.record`); does nothing when one exists already at that version.
    func recordCheckpoint(at version: Int64, hash: [UInt8], key: Ed25519PrivateKey?, now: Date, _ connection: PostgresConnection) async throws {
        let row = try CheckpointRow(version: version, hash: hash, key: key, now: now)
        try await connection.query("""
            INSERT INTO chain_checkpoint (version, chain_hash, signed_at, relay_key_id, signature)
            VALUES (\(row.version), \(Data(row.hash)), \(row.signedAt), \(row.keyId), \(row.signature.map { Data($0) }))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}

/// A `chain_checkpoint` row: the chain's hash at a version, signed by the relay's key when it has one.
struct CheckpointRow {
    var version: Int64
    var hash: [UInt8]
    /// To the millisecond, as the signed bytes carry it.
    var signedAt: Date
    var keyId: String?
    var signature: [UInt8]?

    init(version: Int64, hash: [UInt8], key: Ed25519PrivateKey?, now: Date) throws {
        self.version = version
        self.hash = hash
        signedAt = Date(timeIntervalSince1970: TimeInterval(WireDate.millis(now)) / 1000)
        keyId = key?.publicKey.keyId
        signature = try key.map { try $0.sign(ChainCheckpoint.signedBytes(version: version, chainHash: hash, signedAt: signedAt)) }
    }
}
